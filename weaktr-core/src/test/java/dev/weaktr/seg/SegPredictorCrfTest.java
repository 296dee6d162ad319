package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.MeanField;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import org.junit.jupiter.api.Test;

/**
 * {@code segment --crf} on a hand-built two-class case. Image 40×30: left half dark, right half bright.
 * Every one of the 12 variants (6 scales × flip) says P = (0.1, 0.9) on the left and (0.9, 0.1) on the right,
 * for both decoder blocks, so the variant-averaged score is w·P + P = 1.8·P: (0.18, 1.62) left, (1.62, 0.18)
 * right; clipped to [1e-5, 1] the unary is (−ln 0.18 = 1.71, 0) left and (0, 1.71) right. Both halves are
 * uniform in colour and label, so every pairwise message inside a half agrees with its unary and the edge
 * between them is a strong colour edge: the CRF must keep class 1 on the left and class 0 on the right.
 */
class SegPredictorCrfTest {
    private static final int W = 40, H = 30, VARIANTS = 12;
    private static final float LAYER_WEIGHT = 0.8f;

    private static RgbImage halves() {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                byte v = (byte) (x < W / 2 ? 20 : 230);
                for (int c = 0; c < 3; c++) {
                    rgb[(y * W + x) * 3 + c] = v;
                }
            }
        }
        return new RgbImage(W, H, rgb);
    }

    /** The sum over 12 variants of w·P1 + P2 (what the predictor accumulates before averaging). */
    private static float[] summedScores() {
        float[] sum = new float[2 * W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                float p1 = x < W / 2 ? 0.9f : 0.1f;
                sum[y * W + x] = VARIANTS * (1 + LAYER_WEIGHT) * (1 - p1);
                sum[W * H + y * W + x] = VARIANTS * (1 + LAYER_WEIGHT) * p1;
            }
        }
        return sum;
    }

    private static int count(LabelPng.LabelMap m, int xFrom, int xTo, int label) {
        int n = 0;
        for (int y = 0; y < H; y++) {
            for (int x = xFrom; x < xTo; x++) {
                n += (m.labels()[y * W + x] & 0xff) == label ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void averagedScoresKeepBothHalves() {
        float[] avg = summedScores();
        for (int i = 0; i < avg.length; i++) {
            avg[i] /= VARIANTS; // the official mean over variants
        }
        assertEquals(1.62f, avg[W * H], 1e-5f); // class 1 at (0, 0): 1.8 · 0.9
        LabelPng.LabelMap out = SegPredictor.refine(new MeanField(), halves(), avg, 2, CrfConfig.WEAKTR_SEG_VOC);
        assertEquals(W / 2 * H, count(out, 0, W / 2, 1), "left half stays class 1");
        assertEquals(W / 2 * H, count(out, W / 2, W, 0), "right half stays class 0");
    }

    @Test
    void theOldSumDividedBy18LosesTheLeftHalf() {
        // what segment --crf did before: sum over variants / 1.8, capped at 1 -> both classes 1 -> zero unaries,
        // the CRF has nothing to go on and every pixel falls to the first class
        float[] old = summedScores();
        for (int i = 0; i < old.length; i++) {
            old[i] = Math.min(1f, old[i] / (1 + LAYER_WEIGHT));
        }
        LabelPng.LabelMap out = SegPredictor.refine(new MeanField(), halves(), old, 2, CrfConfig.WEAKTR_SEG_VOC);
        assertEquals(0, count(out, 0, W / 2, 1));
    }
}
