package dev.weaktr.data.importer;

import dev.weaktr.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small distinct test images, PNG content whatever the file name says (lossless: content = grey level). */
public final class TinyImages {
    private TinyImages() {}

    /** Writes (or overwrites) a w x h image of grey level {@code v}; distinct v give distinct contents. */
    public static Path write(Path file, int v, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (v & 0xFF) * 0x010101);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeBytes(file, out.toByteArray());
        return file;
    }

    public static Path write(Path file, int v) {
        return write(file, v, 8, 6);
    }
}
