package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Decoding and encoding of ordinary images (JPEG, PNG) to and from {@link RgbImage}. */
public final class ImageFiles {
    private ImageFiles() {}

    /** Reads a JPEG/PNG/BMP/GIF as RGB; grey images are expanded, alpha is dropped. */
    public static RgbImage readRgb(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing image: " + file);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new WeaktrException("cannot decode image " + file + ": " + e.getMessage()
                    + " (expected a JPEG or PNG in RGB or grey)", e);
        }
        if (img == null) {
            throw new WeaktrException("cannot decode image " + file + ": not a JPEG, PNG, BMP or GIF file");
        }
        return fromBufferedImage(img);
    }

    /** Converts any {@link BufferedImage} to RGB bytes (alpha dropped). */
    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, rgb);
    }

    public static BufferedImage toBufferedImage(RgbImage image) {
        int w = image.width(), h = image.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[w * h];
        byte[] rgb = image.rgb();
        for (int i = 0; i < px.length; i++) {
            px[i] = ((rgb[3 * i] & 0xff) << 16) | ((rgb[3 * i + 1] & 0xff) << 8) | (rgb[3 * i + 2] & 0xff);
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    /** Writes an image atomically; the format follows the extension (.png or .jpg). */
    public static void write(Path file, RgbImage image) {
        String name = file.getFileName().toString().toLowerCase();
        String format = name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpg" : "png";
        BufferedImage img = toBufferedImage(image);
        AtomicFiles.write(file, out -> {
            // a memory-cached stream: ImageIO's default disk cache makes a temp file per image
            try (javax.imageio.stream.ImageOutputStream ios = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(img, format, ios)) {
                    throw new IOException("no " + format + " writer available");
                }
            }
        });
    }
}
