package dev.weaktr.demo;

import dev.weaktr.data.ContactSheet;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A picture of the demo's result: per row, the image, its ground truth, then each given overlay folder's picture. */
final class DemoSheet {
    private DemoSheet() {}

    static void write(VocDataset data, List<Path> overlayDirs, int rows, Path png) {
        List<String> ids = data.ids().subList(0, Math.min(rows, data.size()));
        List<RgbImage> cells = new ArrayList<>();
        for (String id : ids) {
            cells.add(data.readImage(id));
            cells.add(ContactSheet.colourise(data.readMask(id)));
            for (Path dir : overlayDirs) {
                Path f = dir.resolve(id + ".png");
                cells.add(Files.isRegularFile(f) ? ImageFiles.readRgb(f) : RgbImage.blank(cells.get(0).width(), cells.get(0).height()));
            }
        }
        ImageFiles.write(png, grid(cells, 2 + overlayDirs.size(), 4));
    }

    /** Tiles equally sized images row by row with a white gap. */
    static RgbImage grid(List<RgbImage> cells, int columns, int gap) {
        int w = cells.get(0).width(), h = cells.get(0).height();
        int rows = (cells.size() + columns - 1) / columns;
        int outW = columns * w + (columns + 1) * gap, outH = rows * h + (rows + 1) * gap;
        byte[] out = new byte[outW * outH * 3];
        java.util.Arrays.fill(out, (byte) 255);
        for (int i = 0; i < cells.size(); i++) {
            RgbImage c = cells.get(i);
            int ox = gap + (i % columns) * (w + gap), oy = gap + (i / columns) * (h + gap);
            for (int y = 0; y < Math.min(h, c.height()); y++) {
                System.arraycopy(c.rgb(), y * c.width() * 3, out, ((oy + y) * outW + ox) * 3, Math.min(w, c.width()) * 3);
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
