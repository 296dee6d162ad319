package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    @Test
    void thresholdsAreMaxOfCellMeanOfBatchAverageAndGlobalMean() {
        // two images 2x4, S = 2 -> two cells per image row band: left (x 0-1), right (x 2-3)
        float[] loss = {
            1, 3, 0, 0, //
            1, 3, 0, 0, // image 0
            3, 1, 0, 4, //
            3, 1, 0, 0}; // image 1
        // batch average: [2,2,0,2; 2,2,0,0]; left cell mean 2, right cell mean 0.5; global g = 1.25 (given)
        float[] t = GradientClipping.gradientClipThresholds(loss, 2, 2, 4, 2, 1.25f);
        float[] expectedImage = {2, 2, 1.25f, 1.25f, 2, 2, 1.25f, 1.25f};
        assertArrayEquals(expectedImage, java.util.Arrays.copyOfRange(t, 0, 8), 1e-6f);
        assertArrayEquals(expectedImage, java.util.Arrays.copyOfRange(t, 8, 16), 1e-6f, "shared by the batch");
        // a border cell smaller than S averages only its own pixels: width 3, S = 2 -> right cell is 1 px wide
        float[] t2 = GradientClipping.gradientClipThresholds(new float[] {1, 1, 9, 1, 1, 9}, 1, 2, 3, 2, 0f);
        assertArrayEquals(new float[] {1, 1, 9, 1, 1, 9}, t2, 1e-6f);
    }

    @Test
    void clippedPixelsPassNoGradientAndTheMeanCountsIgnoredPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            int b = 1, k = 3, h = 2, w = 4;
            SplittableRandom r = new SplittableRandom(1);
            double[] z = r.doubles(b * k * h * w).map(v -> 4 * v - 2).toArray();
            byte[] labels = {0, 1, 2, (byte) 255, 2, 2, 1, 0};
            NDArray logits = m.create(z, new Shape(b, k, h, w));
            logits.setRequiresGradient(true);
            GradientClipping gc = new GradientClipping(100.0, 2, true); // tau large: clipping active
            GradientClipping.Result res;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                res = gc.apply(logits, labels);
                c.backward(res.loss());
            }
            double[] grad = logits.getGradient().toDoubleArray();
            // hand: per-pixel CE, thresholds, expected value and gradient
            int n = h * w;
            float[] l = new float[n];
            double[][] p = new double[n][k];
            for (int i = 0; i < n; i++) {
                double max = -1e9, sum = 0;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, z[c * n + i]);
                }
                for (int c = 0; c < k; c++) {
                    p[i][c] = Math.exp(z[c * n + i] - max);
                    sum += p[i][c];
                }
                for (int c = 0; c < k; c++) {
                    p[i][c] /= sum;
                }
                int y = labels[i] & 0xff;
                l[i] = y == 255 ? 0f : (float) -Math.log(p[i][y]);
            }
            double g = 0;
            for (float v : l) {
                g += v / n;
            }
            float[] lambda = GradientClipping.gradientClipThresholds(l, 1, h, w, 2, (float) g);
            double expected = 0;
            int clipped = 0, valid = 0, fg = 0, keptFg = 0;
            for (int i = 0; i < n; i++) {
                expected += Math.min(l[i], lambda[i]) / n; // denominator: all 8 pixels, the ignored one included
                boolean isValid = (labels[i] & 0xff) != 255;
                valid += isValid ? 1 : 0;
                boolean keep = isValid && l[i] <= lambda[i];
                clipped += isValid && !keep ? 1 : 0;
                boolean isFg = isValid && labels[i] != 0;
                fg += isFg ? 1 : 0;
                keptFg += isFg && keep ? 1 : 0;
                for (int c = 0; c < k; c++) {
                    double want = keep ? (p[i][c] - (c == (labels[i] & 0xff) ? 1 : 0)) / n : 0.0;
                    assertEquals(want, grad[c * n + i], 1e-9, "pixel " + i + " class " + c);
                }
            }
            assertTrue(res.clipping());
            assertTrue(clipped > 0, "this case must clip at least one pixel");
            assertEquals(expected, res.loss().getDouble(), 1e-7); // λ is float32
            assertEquals((valid - clipped) / (double) valid, res.keptFraction(), 1e-12);
            assertEquals(keptFg / (double) fg, res.keptForeground(), 1e-12); // labels 1 and 2: 5 foreground pixels
        }
    }

    @Test
    void noClippingWhileTheMeanLossIsAboveTau() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0, 0, 0, 0, 5, -5, 5, -5}, new Shape(1, 2, 2, 2));
            byte[] labels = {0, 1, 0, (byte) 255};
            GradientClipping.Result gate = new GradientClipping(0.1, 1, true).apply(logits, labels);
            GradientClipping.Result naive = new GradientClipping(0.1, 1, false).apply(logits, labels);
            assertFalse(gate.clipping());
            assertEquals(naive.loss().getFloat(), gate.loss().getFloat(), 0f);
            // logits (z0, z1) per pixel: (0,5) label 0, (0,-5) label 1, (0,5) label 0, ignored: each CE = log(1 + e^5)
            double ce0 = Math.log(1 + Math.exp(5)), ce1 = ce0, ce2 = ce0;
            assertEquals((ce0 + ce1 + ce2) / 4, naive.loss().toType(DataType.FLOAT64, false).getDouble(), 1e-5);
        }
    }
}
