package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mask transformer's L2 normalisation at a zero vector, and gradients that survive a GC during the step. */
class NumericalRobustnessTest {
    /** Hand computation (PyTorch's F.normalize, eps 1e-12): y = x / max(‖x‖, eps); dy·c/dx = (c − (c·ŷ)ŷ)/‖x‖. */
    @Test
    void l2NormalisationOfAZeroVectorIsZeroWithAFiniteGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {3, 4, 0, 0}, new Shape(2, 2)); // rows: (3, 4) and the zero vector
            NDArray c = m.create(new float[] {1, 0, 1, 0}, new Shape(2, 2));
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = MaskTransformer.l2Normalise(x);
                gc.backward(y.mul(c).sum());
            }
            assertArrayEquals(new float[] {0.6f, 0.8f, 0f, 0f}, y.toFloatArray(), 1e-6f);
            float[] g = x.getGradient().toFloatArray();
            // (3, 4): ((1, 0) − 0.6·(0.6, 0.8)) / 5 = (0.128, −0.096)
            assertEquals(0.128f, g[0], 1e-6f);
            assertEquals(-0.096f, g[1], 1e-6f);
            // zero vector: the denominator is the constant eps, so the gradient is c / eps (PyTorch gives the same)
            assertEquals(1e12, g[2], 1e12 * 1e-5);
            assertEquals(0f, g[3]);
        }
    }

    /**
     * A garbage collection between the forward and the backward pass must not change the gradients. Before the
     * fix, attention's {@code mul(scale)} kept a tensor over a freed Java buffer in the graph: after a GC the
     * gradients of everything below the first attention read freed memory (NaN or ~1e30).
     */
    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() {
        Map<String, float[]> quiet = gradients(false);
        Map<String, float[]> collected = gradients(true);
        for (Map.Entry<String, float[]> e : quiet.entrySet()) {
            assertArrayEquals(e.getValue(), collected.get(e.getKey()), e.getKey());
        }
    }

    private static Object sink;

    private static Map<String, float[]> gradients(boolean collectGarbage) {
        VitConfig vit = new VitConfig("t", 8, 32, 2, 2, 2, 1e-6f, 0.1, 32);
        SegmenterConfig net = SegmenterConfig.of(vit, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 5);
            Segmenter seg = new Segmenter(p, net);
            GradientClipping loss = new GradientClipping(10, 8, true); // τ above the loss: the clip is active
            byte[] labels = new byte[2 * 32 * 32];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (byte) (i % 3);
            }
            Engine.getInstance().setRandomSeed(3);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = seg.forward(x, new SplittableRandom(1), false).get(0);
                    GradientClipping.Result r = loss.apply(logits, labels);
                    assertTrue(r.clipping());
                    if (collectGarbage) {
                        for (int i = 0; i < 3; i++) {
                            for (int k = 0; k < 16; k++) {
                                sink = new byte[4 << 20];
                            }
                            System.gc();
                            try {
                                Thread.sleep(50); // lets the Cleaner free unreachable direct buffers
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                    gc.backward(r.loss());
                }
            }
            Map<String, float[]> g = new LinkedHashMap<>();
            p.all().forEach((name, t) -> g.put(name, t.getGradient().toFloatArray()));
            return g;
        }
    }
}
