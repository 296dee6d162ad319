package dev.weaktr.data.importer;

import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small distinct test images written as PNG (lossless, so content = colour). */
public final class TinyImages {
    private TinyImages() {}

    /** Writes a w x h image of one grey level {@code v}; distinct v give distinct file contents. */
    public static Path write(Path file, int v, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        java.util.Arrays.fill(rgb, (byte) v);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ImageFiles.write(file.getFileName().toString().endsWith(".jpg") ? file.resolveSibling(file.getFileName() + ".tmp.png") : file,
                new RgbImage(w, h, rgb));
        if (file.getFileName().toString().endsWith(".jpg")) {
            try {
                Files.move(file.resolveSibling(file.getFileName() + ".tmp.png"), file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    public static Path write(Path file, int v) {
        return write(file, v, 8, 6);
    }
}
