package dev.weaktr.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParametersTest {
    @Test
    void nonFiniteGradientsAreFoundByNameAndZeroed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            NDArray a = p.constant("a", 1f, 3);
            NDArray b = p.scoped("dec.").constant("b", 2f, 2);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray weights = m.create(new float[] {1f, Float.NaN, 2f});
                gc.backward(a.mul(weights).sum().add(b.mul(3f).sum()));
            }
            assertEquals(List.of("a"), p.nonFiniteGradients());
            assertArrayEquals(new float[] {3f, 3f}, b.getGradient().toFloatArray());
            p.zeroGradients();
            assertEquals(List.of(), p.nonFiniteGradients());
            assertArrayEquals(new float[] {0f, 0f, 0f}, a.getGradient().toFloatArray());
            assertEquals(2, p.all().size());
            assertEquals(b, p.get("dec.b"));
        }
    }

    @Test
    void gradientNormAndScalingMatchClipGradNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            NDArray a = p.constant("a", 1f, 2);
            NDArray b = p.constant("b", 1f, 1);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(m.create(new float[] {3f, 4f})).sum().add(b.mul(12f).sum()));
            }
            assertEquals(13.0, p.gradientNorm(), 1e-9); // sqrt(9 + 16 + 144)
            p.scaleGradients(0.5);
            assertArrayEquals(new float[] {1.5f, 2f}, a.getGradient().toFloatArray());
            assertArrayEquals(new float[] {6f}, b.getGradient().toFloatArray());
        }
    }
}
