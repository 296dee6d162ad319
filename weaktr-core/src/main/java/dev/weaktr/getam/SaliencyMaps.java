package dev.weaktr.getam;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.ImageFiles;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The user's saliency maps ({@code --saliency DIR}): one PNG per image, {@code DIR/<id>.png}, at the image's size,
 * read as 0–255 values (the first band of a colour PNG). GETAM binarises them ({@code > 0} = salient).
 */
public final class SaliencyMaps {
    private final Path dir;

    public SaliencyMaps(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WeaktrException("--saliency " + dir + ": not a folder (expected one PNG per image, <id>.png)");
        }
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String id) {
        return dir.resolve(id + ".png");
    }

    /** Fails with one line naming the file before training starts, if any image lacks its map. */
    public void requireAll(Iterable<String> ids) {
        for (String id : ids) {
            if (!Files.isRegularFile(file(id))) {
                throw new WeaktrException(file(id) + ": no saliency map for image '" + id + "' (--saliency needs one PNG per image)");
            }
        }
    }

    /**
     * Writes an oracle saliency map per image of {@code data} into {@code out}: 255 where the ground-truth mask is an
     * object, 0 on the background and the masks' ignore border (the demo's and tests' stand-in for a saliency
     * detector).
     */
    public static Path writeFromMasks(dev.weaktr.data.VocDataset data, Path out) {
        try {
            Files.createDirectories(out);
            for (String id : data.ids()) {
                dev.weaktr.io.LabelPng.LabelMap m = data.readMask(id);
                BufferedImage img = new BufferedImage(m.width(), m.height(), BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < m.height(); y++) {
                    for (int x = 0; x < m.width(); x++) {
                        int v = m.get(x, y);
                        img.getRaster().setSample(x, y, 0, v != 0 && v != dev.weaktr.io.LabelPng.IGNORE ? 255 : 0);
                    }
                }
                ImageIO.write(img, "png", out.resolve(id + ".png").toFile());
            }
        } catch (IOException e) {
            throw new WeaktrException("cannot write the saliency maps to " + out + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Checks from the PNG header alone (no pixels decoded) that the map of {@code id} has its image's size. */
    public void requireSize(String id, int width, int height) {
        Path f = file(id);
        int[] size;
        try {
            size = ImageFiles.displaySize(f);
        } catch (WeaktrException e) {
            throw new WeaktrException(f + ": cannot read the saliency map (" + e.getMessage() + ")");
        }
        if (size[0] != width || size[1] != height) {
            throw new WeaktrException(f + ": saliency map is " + size[0] + "x" + size[1] + " but its image is " + width
                    + "x" + height);
        }
    }

    /** @return [h·w] row-major 0–255 */
    public float[] read(String id, int width, int height) {
        Path f = file(id);
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new WeaktrException(f + ": cannot read the saliency map (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new WeaktrException(f + ": not a PNG image");
        }
        if (img.getWidth() != width || img.getHeight() != height) {
            throw new WeaktrException(f + ": saliency map is " + img.getWidth() + "x" + img.getHeight()
                    + " but its image is " + width + "x" + height);
        }
        Raster r = img.getRaster();
        float[] out = new float[width * height];
        int bits = r.getSampleModel().getSampleSize(0);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = r.getSample(x, y, 0);
                out[y * width + x] = bits > 8 ? v >> (bits - 8) : v;
            }
        }
        return out;
    }
}
