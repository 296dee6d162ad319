package dev.weaktr.data.coco;

import dev.weaktr.io.LabelPng.LabelMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Paints one image's instance annotations into a semantic label map the way WSSS repositories
 * build COCO GT (coco2voc, see peers.md §6.1): every annotation (polygons or RLE, crowd included)
 * is decoded to a binary mask and painted with its class index onto a zero (background) canvas in
 * ascending order of the annotation's {@code area} field (ties: file order), where a pixel already
 * painted is never overwritten (the first writer wins), so small objects survive overlaps.
 */
public final class MaskPainter {
    private MaskPainter() {}

    /**
     * The painted image. {@code map} is null when no annotation could be painted; {@code classes}
     * are the class indices of the painted annotations, ascending, without duplicates.
     */
    public record Result(LabelMap map, int[] classes, List<ImportProblem> problems) {}

    private record Decoded(CocoAnnotation annotation, int classIndex, List<Rle> masks, double area) {}

    public static Result paint(CocoImage image, List<CocoAnnotation> annotations, ClassIndex classes) {
        List<ImportProblem> problems = new ArrayList<>();
        List<Decoded> decoded = new ArrayList<>();
        for (CocoAnnotation a : annotations) {
            int index = classes.indexOf(a.categoryId());
            if (index < 0) {
                problems.add(new ImportProblem(a.id(), image.id(), "unknown category id " + a.categoryId()
                        + " (not in \"categories\"); skipped"));
                continue;
            }
            List<Rle> masks = decode(a, image, problems);
            if (masks != null) {
                double area = Double.isNaN(a.area()) ? pixelArea(masks) : a.area();
                decoded.add(new Decoded(a, index, masks, area));
            }
        }
        if (decoded.isEmpty()) {
            return new Result(null, new int[0], problems);
        }
        // stable sort: equal areas keep file order
        decoded.sort((x, y) -> x.area() != y.area() ? Double.compare(x.area(), y.area())
                : Integer.compare(x.annotation().order(), y.annotation().order()));
        byte[] canvas = new byte[image.width() * image.height()];
        int[] present = new int[decoded.size()];
        int n = 0;
        for (Decoded d : decoded) {
            for (Rle mask : d.masks()) {
                mask.paintFirstWriterWins(canvas, (byte) d.classIndex());
            }
            present[n++] = d.classIndex();
        }
        int[] distinct = Arrays.stream(present).sorted().distinct().toArray();
        return new Result(new LabelMap(canvas, image.width(), image.height()), distinct, problems);
    }

    private static double pixelArea(List<Rle> masks) {
        long sum = 0;
        for (Rle m : masks) {
            sum += m.area();
        }
        return sum;
    }

    /** The annotation's masks (one per polygon ring, or one RLE), or null after reporting a problem. */
    private static List<Rle> decode(CocoAnnotation a, CocoImage image, List<ImportProblem> problems) {
        int h = image.height(), w = image.width();
        if (a.shape() instanceof Shape.Polygons polygons) {
            List<Rle> out = new ArrayList<>(polygons.upsampledRings().length);
            for (int[] ring : polygons.upsampledRings()) {
                out.add(PolygonRasterizer.rasterizeUpsampled(ring, h, w));
            }
            return out;
        }
        int rh, rw;
        int[] counts;
        if (a.shape() instanceof Shape.CountsRle rle) {
            rh = rle.height();
            rw = rle.width();
            counts = rle.counts();
        } else {
            Shape.StringRle rle = (Shape.StringRle) a.shape();
            rh = rle.height();
            rw = rle.width();
            try {
                counts = RleString.decode(rle.counts());
            } catch (IllegalArgumentException e) {
                problems.add(new ImportProblem(a.id(), image.id(), "bad compressed RLE: " + e.getMessage() + "; skipped"));
                return null;
            }
        }
        if (rh != h || rw != w) {
            problems.add(new ImportProblem(a.id(), image.id(), "RLE size [" + rh + ", " + rw
                    + "] does not match the image's [height, width] = [" + h + ", " + w + "]; skipped"));
            return null;
        }
        Rle rle = new Rle(h, w, counts);
        if (rle.countSum() != (long) h * w) {
            problems.add(new ImportProblem(a.id(), image.id(), "RLE counts sum to " + rle.countSum()
                    + ", expected height × width = " + (long) h * w + "; skipped"));
            return null;
        }
        return List.of(rle);
    }
}
