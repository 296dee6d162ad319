package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * rloss ({@link DenseEnergyLoss}): its gradient against central finite differences of its value (in float64), where
 * the gate is 1 everywhere (every pixel unlabelled, the whole crop valid), so the gradient with the gate held
 * constant is the gradient of the value (the official hand-written backward, −2·W S, was 4 % off here: the lattice
 * filter is not exactly symmetric); and a hand check that the gate and the box zero what they should.
 */
class DenseEnergyLossTest {
    static final int B = 1, K = 3, H = 12, W = 16;

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(7);
        float[] logits = new float[B * K * H * W];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (2 * rng.nextGaussian());
        }
        float[] images = new float[B * 3 * H * W];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (255 * rng.nextDouble());
        }
        int[] labels = new int[B * H * W];
        Arrays.fill(labels, AfaLabels.IGNORE);
        AfaLabels.Box[] boxes = {new AfaLabels.Box(0, H, 0, W)};
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray x = m.create(logits, new Shape(B, K, H, W)).toType(DataType.FLOAT64, false);
            x.setRequiresGradient(true);
            float[] grad;
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = DenseEnergyLoss.loss(x, images, labels, boxes, 1.0);
                value = l.getDouble();
                gc.backward(l);
                grad = x.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
            }
            assertTrue(value < 0, "the energy of a soft segmentation is negative: " + value);
            double eps = 2e-2, worst = 0, scale = 0;
            for (int i = 0; i < logits.length; i += 7) {
                double fd = (eval(m, logits, i, eps, images, labels, boxes) - eval(m, logits, i, -eps, images, labels, boxes))
                        / (2 * eps);
                worst = Math.max(worst, Math.abs(fd - grad[i]));
                scale = Math.max(scale, Math.abs(fd));
            }
            System.out.printf("rloss gradient vs finite differences: max |diff| %.3g (max |grad| %.3g)%n", worst, scale);
            assertTrue(scale > 1e-3, "a gradient to check");
            assertTrue(worst <= 2e-3 * scale, "max |diff| " + worst + " of " + scale);
        }
    }

    private static double eval(NDManager m, float[] logits, int i, double eps, float[] images, int[] labels,
            AfaLabels.Box[] boxes) {
        NDArray x = m.create(logits, new Shape(B, K, H, W)).toType(DataType.FLOAT64, false);
        double[] v = x.toDoubleArray();
        v[i] += eps;
        NDArray y = m.create(v, new Shape(B, K, H, W));
        return DenseEnergyLoss.loss(y, images, labels, boxes, 1.0).getDouble();
    }

    @Test
    void confidentLabelledPixelsAndPaddingAddNothing() {
        // one-hot S (softmax of 50 vs 0, constant on the 2x2 blocks the half-size resize averages): the gate 1 − max S
        // is 0 on every labelled pixel; outside the box S is zeroed
        float[] logits = new float[B * K * H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                logits[((y / 2 + x / 2) % K) * H * W + y * W + x] = 50f;
            }
        }
        int[] labels = new int[B * H * W];
        float[] images = new float[B * 3 * H * W];
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray x = m.create(logits, new Shape(B, K, H, W));
            assertEquals(0.0, DenseEnergyLoss.loss(x, images, labels, new AfaLabels.Box[] {new AfaLabels.Box(0, H, 0, W)}, 1)
                    .toType(DataType.FLOAT64, false).getDouble(), 1e-9);
            Arrays.fill(labels, AfaLabels.IGNORE);
            assertEquals(0.0, DenseEnergyLoss.loss(x, images, labels, new AfaLabels.Box[] {new AfaLabels.Box(0, 0, 0, 0)}, 1)
                    .toType(DataType.FLOAT64, false).getDouble(), 1e-9);
        }
    }
}
