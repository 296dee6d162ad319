package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Masks worked out by hand from rleFrPoly's rules (see the comments for the derivations). */
class PolygonRasterizerTest {

    @Test
    void integerSquareCoversExactlyItsPixels() {
        // square (1,1)-(3,3) on 4×4. Upsampled ×5: top edge u = 5..15; a column k is sampled where the
        // upsampled x crosses 5k+2 (pixel centre k+.5): k = 1, 2. Top y: ceil((5+.5)/5-.5) = 1,
        // bottom y: ceil((15+.5)/5-.5) = 3. Boundaries 1*4+1, 1*4+3, 2*4+1, 2*4+3, 16 → runs 5,2,2,2,5.
        Rle rle = PolygonRasterizer.rasterize(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, 4, 4);
        assertArrayEquals(new int[] {5, 2, 2, 2, 5}, rle.counts());
        assertEquals(4, rle.area());
    }

    @Test
    void vertexOrderDoesNotMatter() {
        Rle cw = PolygonRasterizer.rasterize(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, 4, 4);
        Rle ccw = PolygonRasterizer.rasterize(new double[] {1, 3, 3, 3, 3, 1, 1, 1}, 4, 4);
        assertArrayEquals(cw.counts(), ccw.counts());
    }

    @Test
    void halfPixelSquareFollowsTheCentreRule() {
        // [0.5, 2.5]²: upsampled (int)(2.5+.5)=3 and (int)(12.5+.5)=13. Columns whose crossing 5k+2 lies
        // in u-1 ∈ [3,12]: k = 1, 2 (column 0's centre 0.5 sits on the edge and is left out).
        // Top y: ceil((3+.5)/5-.5) = ceil(0.2) = 1; bottom y: ceil((13+.5)/5-.5) = ceil(2.2) = 3.
        Rle rle = PolygonRasterizer.rasterize(new double[] {0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5}, 4, 4);
        assertArrayEquals(new int[] {5, 2, 2, 2, 5}, rle.counts());
    }

    @Test
    void rightTriangle() {
        // (0,0),(4,0),(0,4) on 5×5, upsampled (0,0),(20,0),(0,20).
        // Top edge: columns 0..3 with top y 0 (yd = -0.4 clamped to 0).
        // Hypotenuse walked with flip (xs > xe): points (20-d, d); crossings where u = 5k+2 (u falling):
        //   u=17 → v_prev=2 → y=ceil(2.5/5-.5)=0; u=12 → y=ceil(7.5/5-.5)=1; u=7 → 2; u=2 → 3.
        // Boundaries (col*5+y): 0,3 | 5,7 | 10,11 | 15,15 | 25 → runs 0,3,2,2,3,1,4,0,10;
        // the zero run merges its neighbours: 0,3,2,2,3,1,14. Column 3 is empty.
        Rle rle = PolygonRasterizer.rasterize(new double[] {0, 0, 4, 0, 0, 4}, 5, 5);
        assertArrayEquals(new int[] {0, 3, 2, 2, 3, 1, 14}, rle.counts());
        assertEquals(6, rle.area());
    }

    @Test
    void polygonBeyondTheImageIsClipped() {
        // top y clamps to 0, bottom to h (=3); columns outside 0..w-1 are dropped. Boundaries
        // 0,3,3,6,6,9,9,12 and 12: zero runs merge everything into one run of ones.
        Rle rle = PolygonRasterizer.rasterize(new double[] {-2, -2, 10, -2, 10, 10, -2, 10}, 3, 4);
        assertArrayEquals(new int[] {0, 12}, rle.counts());
    }

    @Test
    void coordinatesRoundLikeCDoubles() {
        assertEquals(2, PolygonRasterizer.upsample(0.3)); // 1.5 + .5 = 2.0
        assertEquals(4, PolygonRasterizer.upsample(0.7)); // 5 * 0.7 rounds to exactly 3.5 in double
        assertEquals(0, PolygonRasterizer.upsample(-0.1)); // (int)(-0.5 + .5)
        assertEquals(-3, PolygonRasterizer.upsample(-0.7)); // truncation toward zero: (int) -3.0
        assertEquals(1200, PolygonRasterizer.upsample(239.97));
    }

    @Test
    void integerRectanglesMatchABruteForceReference() {
        // For integer corners, rleFrPoly covers exactly the pixels [x0, x1) × [y0, y1).
        Random rnd = new Random(3);
        int h = 9, w = 11;
        for (int trial = 0; trial < 300; trial++) {
            int x0 = rnd.nextInt(w), x1 = x0 + 1 + rnd.nextInt(w - x0);
            int y0 = rnd.nextInt(h), y1 = y0 + 1 + rnd.nextInt(h - y0);
            double[] poly = trial % 2 == 0
                    ? new double[] {x0, y0, x1, y0, x1, y1, x0, y1}
                    : new double[] {x0, y1, x1, y1, x1, y0, x0, y0};
            byte[] mask = PolygonRasterizer.rasterize(poly, h, w).decodeColumnMajor();
            for (int x = 0; x < w; x++) {
                for (int y = 0; y < h; y++) {
                    int expected = x >= x0 && x < x1 && y >= y0 && y < y1 ? 1 : 0;
                    assertEquals(expected, mask[x * h + y], "rect " + x0 + "," + y0 + "-" + x1 + "," + y1 + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void repeatedVerticesAreHarmless() {
        Rle rle = PolygonRasterizer.rasterize(new double[] {1, 1, 1, 1, 3, 1, 3, 3, 1, 3}, 4, 4);
        assertArrayEquals(new int[] {5, 2, 2, 2, 5}, rle.counts());
    }
}
