package dev.weaktr.data;

import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.nio.file.Path;
import java.util.List;

/** A PNG grid of dataset samples: each cell is an image with its colourised mask beneath it. */
public final class ContactSheet {
    private static final int GAP = 4;
    private static final int PAPER = 0xffffff;
    private static final int IGNORE_COLOUR = 0xe0e0c0;

    private ContactSheet() {}

    /**
     * Writes the first {@code count} images of {@code ds} (with their masks) in rows of {@code columns},
     * each scaled to {@code cell x cell} px (bicubic image, nearest mask).
     */
    public static void write(VocDataset ds, int count, int columns, int cell, Path png) {
        List<String> ids = ds.ids().subList(0, Math.min(count, ds.size()));
        int cols = Math.min(columns, ids.size());
        int rows = (ids.size() + cols - 1) / cols;
        int w = GAP + cols * (cell + GAP), h = GAP + rows * (2 * cell + 2 * GAP);
        RgbImage sheet = RgbImage.blank(w, h);
        fill(sheet, PAPER);
        for (int i = 0; i < ids.size(); i++) {
            int x = GAP + (i % cols) * (cell + GAP), y = GAP + (i / cols) * (2 * cell + 2 * GAP);
            paste(sheet, PilResize.bicubic(ds.readImage(ids.get(i)), cell, cell), x, y);
            paste(sheet, colourise(PilResize.nearest(ds.readMask(ids.get(i)), cell, cell)), x, y + cell + GAP / 2);
        }
        ImageFiles.write(png, sheet);
    }

    /** A mask in VOC's palette, 255 (ignore) in light cream. */
    public static RgbImage colourise(LabelMap mask) {
        byte[] rgb = new byte[mask.width() * mask.height() * 3];
        for (int i = 0; i < mask.labels().length; i++) {
            int v = mask.labels()[i] & 0xff;
            int c = v == LabelPng.IGNORE ? IGNORE_COLOUR : LabelPng.vocColor(v);
            rgb[3 * i] = (byte) (c >> 16);
            rgb[3 * i + 1] = (byte) (c >> 8);
            rgb[3 * i + 2] = (byte) c;
        }
        return new RgbImage(mask.width(), mask.height(), rgb);
    }

    private static void fill(RgbImage img, int colour) {
        byte[] rgb = img.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) (colour >> 16);
            rgb[i + 1] = (byte) (colour >> 8);
            rgb[i + 2] = (byte) colour;
        }
    }

    private static void paste(RgbImage dst, RgbImage src, int x0, int y0) {
        int row = src.width() * 3;
        for (int y = 0; y < src.height(); y++) {
            System.arraycopy(src.rgb(), y * row, dst.rgb(), ((y0 + y) * dst.width() + x0) * 3, row);
        }
    }
}
