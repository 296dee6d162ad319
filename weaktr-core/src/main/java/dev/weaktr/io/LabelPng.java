package dev.weaktr.io;

import dev.weaktr.WeaktrException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Label maps as indexed PNG files, PASCAL VOC style: pixel value = class index, 255 = ignore, with
 * VOC's colour palette so that viewers show the classes in colour.
 */
public final class LabelPng {
    /** The ignore value of VOC masks (object borders, unlabelled pixels). */
    public static final int IGNORE = 255;

    private LabelPng() {}

    /** A label map: {@code labels[y * width + x]} in 0..255, stored as unsigned bytes. */
    public record LabelMap(byte[] labels, int width, int height) {
        public int get(int x, int y) {
            return labels[y * width + x] & 0xff;
        }
    }

    /** VOC's bit-interleaving palette: colour of index i, as 0xRRGGBB. */
    public static int vocColor(int index) {
        int r = 0, g = 0, b = 0, c = index;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        return (r << 16) | (g << 8) | b;
    }

    private static IndexColorModel palette() {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int rgb = i == IGNORE ? 0xe0e0c0 : vocColor(i);
            r[i] = (byte) (rgb >> 16);
            g[i] = (byte) (rgb >> 8);
            b[i] = (byte) rgb;
        }
        return new IndexColorModel(8, 256, r, g, b);
    }

    /** Writes an indexed 8-bit PNG atomically. */
    public static void write(Path file, LabelMap map) {
        BufferedImage img = new BufferedImage(map.width(), map.height(), BufferedImage.TYPE_BYTE_INDEXED, palette());
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(map.labels(), 0, dst, 0, dst.length);
        AtomicFiles.write(file, out -> {
            // a memory-cached stream: ImageIO's default disk cache makes a temp file per image
            try (javax.imageio.stream.ImageOutputStream ios = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(img, "png", ios)) {
                    throw new IOException("no PNG writer available");
                }
            }
        });
    }

    /**
     * Reads a label PNG. Indexed PNGs give their indices; 8-bit grey PNGs give their values. RGB
     * label images are refused: their colours would have to be mapped back to classes.
     */
    public static LabelMap read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("missing label mask: " + file);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new WeaktrException("cannot decode label mask " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new WeaktrException("cannot decode label mask " + file + ": not a PNG image");
        }
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        Raster raster = img.getRaster();
        if (!indexed && raster.getNumBands() != 1) {
            throw new WeaktrException("label mask " + file + " has " + raster.getNumBands()
                    + " colour channels; expected an indexed or single-channel 8-bit PNG (pixel = class index)");
        }
        int w = img.getWidth(), h = img.getHeight();
        byte[] labels = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = (byte) row[x];
            }
        }
        return new LabelMap(labels, w, h);
    }
}
