package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decoding and encoding of ordinary images (JPEG, PNG) to and from {@link RgbImage}. */
public final class ImageFiles {
    private ImageFiles() {}

    /** EXIF data sits in the first segments; this much of a file always holds it (APP1 is at most 64 KiB). */
    private static final int HEADER_BYTES = 1 << 17;

    /**
     * Reads a JPEG/PNG/BMP/GIF as RGB, as a viewer shows it: a JPEG's EXIF orientation is applied
     * (rotated/mirrored), grey images are expanded, alpha is dropped.
     */
    public static RgbImage readRgb(Path file) {
        byte[] bytes = readBytes(file);
        RgbImage stored = fromBufferedImage(decode(file, bytes));
        return Orientation.apply(stored, orientation(bytes));
    }

    /** The file's bytes; a missing file is a user error naming it. */
    public static byte[] readBytes(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing image: " + file);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new WeaktrException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /** Decodes image bytes (format sniffed from the content, not the file name) without orientation. */
    public static BufferedImage decode(Path file, byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new WeaktrException("cannot decode image " + file + ": " + e.getMessage()
                    + " (expected a JPEG or PNG in RGB or grey)", e);
        }
        if (img == null) {
            throw new WeaktrException("cannot decode image " + file + ": not a JPEG, PNG, BMP or GIF file");
        }
        return img;
    }

    /** EXIF orientation 1..8 of a JPEG's bytes (or of a prefix of them); 1 for other formats. */
    public static int orientation(byte[] bytes) {
        return JpegHeader.isJpeg(bytes) ? JpegHeader.parse(bytes).orientation() : 1;
    }

    /**
     * Width and height as displayed (EXIF orientation applied), from the header, without decoding the
     * pixels: the size a mask of this image must have.
     */
    public static int[] displaySize(Path file) {
        int[] stored = storedSize(file);
        return Orientation.swapsAxes(orientation(readPrefix(file))) ? new int[] {stored[1], stored[0]} : stored;
    }

    private static byte[] readPrefix(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEADER_BYTES);
        } catch (IOException e) {
            throw new WeaktrException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /** Width and height of the stored pixels, from the header. */
    private static int[] storedSize(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing image: " + file);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new WeaktrException("cannot decode image " + file + ": not a JPEG, PNG, BMP or GIF file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new WeaktrException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
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
