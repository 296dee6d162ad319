package dev.weaktr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void miouMatchesHandBuiltMatrix() {
        // gt:   0 0 1 1 2 2 255 1
        // pred: 0 1 1 1 2 0 2   0
        byte[] gt = {0, 0, 1, 1, 2, 2, (byte) 255, 1};
        byte[] pred = {0, 1, 1, 1, 2, 0, 2, 0};
        ConfusionMatrix m = new ConfusionMatrix(4); // class 3 never appears -> NaN, skipped
        m.add(gt, pred);
        // rows gt, cols pred: [0]: 0->0 x1, 0->1 x1 ; [1]: 1->1 x2, 1->0 x1 ; [2]: 2->2 x1, 2->0 x1
        assertEquals(1, m.get(0, 0));
        assertEquals(1, m.get(0, 1));
        assertEquals(2, m.get(1, 1));
        assertEquals(1, m.get(1, 0));
        assertEquals(1, m.get(2, 2));
        assertEquals(1, m.get(2, 0));
        double[] iou = m.iou();
        // class 0: TP 1, T 2, P 3 -> 1/4 ; class 1: TP 2, T 3, P 3 -> 2/4 ; class 2: TP 1, T 2, P 1 -> 1/2
        assertEquals(0.25, iou[0], 1e-12);
        assertEquals(0.5, iou[1], 1e-12);
        assertEquals(0.5, iou[2], 1e-12);
        assertTrue(Double.isNaN(iou[3]));
        assertEquals((0.25 + 0.5 + 0.5) / 3, m.meanIou(), 1e-12);
        assertEquals(1 / 3.0, m.precision()[0], 1e-12);
        assertEquals(2 / 3.0, m.recall()[1], 1e-12);
    }

    @Test
    void thresholdSweepEqualsBruteForce() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        int n = 500, k = 4;
        byte[] gt = new byte[n];
        float[] max = new float[n];
        int[] arg = new int[n];
        for (int i = 0; i < n; i++) {
            gt[i] = (byte) (r.nextInt(10) == 0 ? 255 : r.nextInt(k));
            max[i] = r.nextInt(5) == 0 ? 0.3f : (float) r.nextDouble(); // 0.3 exactly: a tie with threshold 0.30
            arg[i] = 1 + r.nextInt(k - 1);
        }
        ThresholdSweep sweep = new ThresholdSweep(k, 0.0, 0.6, 0.01);
        sweep.add(gt, max, arg);
        float[] ts = sweep.thresholds();
        assertEquals(61, ts.length);
        for (int t = 0; t < ts.length; t++) {
            byte[] pred = new byte[n];
            for (int i = 0; i < n; i++) {
                pred[i] = (byte) (max[i] > ts[t] ? arg[i] : 0); // ties go to the background plane
            }
            ConfusionMatrix brute = new ConfusionMatrix(k);
            brute.add(gt, pred);
            ConfusionMatrix fast = sweep.matrix(t);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    assertEquals(brute.get(a, b), fast.get(a, b), "t=" + ts[t] + " cell " + a + "," + b);
                }
            }
        }
    }
}
