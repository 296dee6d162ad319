package dev.weaktr.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** SemFormer's per-class erosion (cv2.erode with a square, border pixels not eroding, then argmax) by hand. */
class CamErosionTest {
    @Test
    void keepsOnlyPixelsWhoseWholeWindowHasTheirClass() {
        int w = 6, h = 5;
        int[] labels = {
            1, 1, 1, 1, 2, 2,
            1, 1, 1, 1, 2, 2,
            1, 1, 1, 1, 2, 2,
            1, 1, 1, 1, 2, 2,
            0, 0, 1, 1, 2, 2,
        };
        // 3×3: a class-1 pixel survives when its (image-clipped) 3×3 window is all 1; class 2 touches the border on
        // the right, which does not erode, so only its left column (next to 1) goes
        int[] want = {
            1, 1, 1, 0, 0, 2,
            1, 1, 1, 0, 0, 2,
            1, 1, 1, 0, 0, 2,
            0, 0, 0, 0, 0, 2,
            0, 0, 0, 0, 0, 2,
        };
        assertArrayEquals(want, CamErosion.erode(labels, w, h, 3));
    }

    @Test
    void aSevenKernelRemovesSmallRegions() {
        int w = 9, h = 9;
        int[] labels = new int[w * h];
        for (int y = 2; y < 7; y++) {
            for (int x = 2; x < 7; x++) {
                labels[y * w + x] = 3; // a 5×5 square inside: every 7×7 window reaches background
            }
        }
        assertArrayEquals(new int[w * h], CamErosion.erode(labels, w, h, 7));
    }
}
