package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskPainterTest {
    private static final ClassIndex CLASSES = ClassIndex.of(
            List.of(new CocoCategory(1, "person"), new CocoCategory(3, "car"), new CocoCategory(18, "dog")), false, "t");
    private static final CocoImage IMAGE = new CocoImage(7, "x.jpg", 6, 5);

    private static CocoAnnotation poly(long id, int cat, double area, int order, double... xy) {
        return new CocoAnnotation(id, 7, cat, area, false, order,
                new Shape.Polygons(new int[][] {PolygonRasterizer.upsample(xy)}));
    }

    /** Row-major expected map from rows of digits. */
    private static byte[] rows(String... r) {
        byte[] out = new byte[r.length * r[0].length()];
        for (int y = 0; y < r.length; y++) {
            for (int x = 0; x < r[0].length(); x++) {
                out[y * r[0].length() + x] = (byte) (r[y].charAt(x) - '0');
            }
        }
        return out;
    }

    @Test
    void smallerAreaIsPaintedFirstAndWins() {
        // dog square (0,0)-(4,4) area 16, listed first; person (2,2)-(6,5) area 12: person wins the overlap
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(
                poly(1, 18, 16, 0, 0, 0, 4, 0, 4, 4, 0, 4),
                poly(2, 1, 12, 1, 2, 2, 6, 2, 6, 5, 2, 5)), CLASSES);
        assertArrayEquals(rows(
                "333300",
                "333300",
                "331111",
                "331111",
                "001111"), r.map().labels());
        assertArrayEquals(new int[] {1, 3}, r.classes());
        assertTrue(r.problems().isEmpty());
    }

    @Test
    void orderFollowsTheAreaFieldNotThePixelCount() {
        // same shapes, but the file claims the dog is smaller: the dog now wins the overlap
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(
                poly(1, 18, 5, 0, 0, 0, 4, 0, 4, 4, 0, 4),
                poly(2, 1, 12, 1, 2, 2, 6, 2, 6, 5, 2, 5)), CLASSES);
        assertEquals(3, r.map().get(2, 2));
        assertEquals(3, r.map().get(3, 3));
        assertEquals(1, r.map().get(4, 2));
    }

    @Test
    void equalAreasKeepFileOrder() {
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(
                poly(1, 3, 9, 0, 0, 0, 3, 0, 3, 3, 0, 3),
                poly(2, 1, 9, 1, 1, 1, 4, 1, 4, 4, 1, 4)), CLASSES);
        assertEquals(2, r.map().get(1, 1)); // car (index 2) came first in the file
        assertEquals(1, r.map().get(3, 3));
    }

    @Test
    void missingAreaFallsBackToThePixelCount() {
        // big dog without area (16 px) vs person with area field 12: person first
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(
                poly(1, 18, Double.NaN, 0, 0, 0, 4, 0, 4, 4, 0, 4),
                poly(2, 1, 12, 1, 2, 2, 6, 2, 6, 5, 2, 5)), CLASSES);
        assertEquals(1, r.map().get(2, 2));
        // and with the person's area field above 16, the dog goes first
        r = MaskPainter.paint(IMAGE, List.of(
                poly(1, 18, Double.NaN, 0, 0, 0, 4, 0, 4, 4, 0, 4),
                poly(2, 1, 17, 1, 2, 2, 6, 2, 6, 5, 2, 5)), CLASSES);
        assertEquals(3, r.map().get(2, 2));
    }

    @Test
    void rleCrowdAndMultiRingPolygonsArePainted() {
        // crowd RLE: column 5 fully set (counts 25 zeros, 5 ones).
        // compressed "5220a0" = 5, 2, 2, 0+2, then 'a','0': 17 (0x11|0x20 → 'a', then 0) + 2 = 19: sum 30
        CocoAnnotation crowd = new CocoAnnotation(3, 7, 3, 5, true, 0, new Shape.CountsRle(5, 6, new int[] {25, 5}));
        CocoAnnotation str = new CocoAnnotation(4, 7, 18, 4, false, 1, new Shape.StringRle(5, 6, "5220a0"));
        CocoAnnotation rings = new CocoAnnotation(5, 7, 1, 2, false, 2, new Shape.Polygons(new int[][] {
                PolygonRasterizer.upsample(new double[] {0, 4, 1, 4, 1, 5, 0, 5}),
                PolygonRasterizer.upsample(new double[] {3, 4, 4, 4, 4, 5, 3, 5})}));
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(crowd, str, rings), CLASSES);
        // "5220a0" on h=5: runs 5 zeros (column 0), 2 ones (col 1, y 0..1), 2 zeros, 2 ones (col 1 y4, col 2 y0), rest 0
        assertArrayEquals(rows(
                "033002",
                "030002",
                "000002",
                "000002",
                "130102"), r.map().labels());
        assertArrayEquals(new int[] {1, 2, 3}, r.classes());
        assertTrue(r.problems().isEmpty(), r.problems().toString());
    }

    @Test
    void badAnnotationsAreReportedWithTheirIds() {
        MaskPainter.Result r = MaskPainter.paint(IMAGE, List.of(
                poly(41, 2, 4, 0, 0, 0, 1, 0, 1, 1),
                new CocoAnnotation(42, 7, 1, 4, true, 1, new Shape.CountsRle(6, 5, new int[] {30})),
                new CocoAnnotation(43, 7, 1, 4, true, 2, new Shape.CountsRle(5, 6, new int[] {10, 5})),
                new CocoAnnotation(44, 7, 1, 4, false, 3, new Shape.StringRle(5, 6, "5 2"))), CLASSES);
        assertNull(r.map());
        assertEquals(4, r.problems().size());
        assertEquals(41, r.problems().get(0).annotationId());
        assertTrue(r.problems().get(0).message().contains("unknown category id 2"));
        assertEquals(42, r.problems().get(1).annotationId());
        assertTrue(r.problems().get(1).message().contains("[6, 5]"), r.problems().get(1).message());
        assertEquals(43, r.problems().get(2).annotationId());
        assertTrue(r.problems().get(2).message().contains("sum to 15"));
        assertEquals(44, r.problems().get(3).annotationId());
        assertEquals(7, r.problems().get(3).imageId());
    }
}
