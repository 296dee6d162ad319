package dev.weaktr.pretrain;

import static dev.weaktr.pretrain.DinoParityTest.close;
import static dev.weaktr.pretrain.DinoParityTest.shape;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The FDSL loss and its targets against PyTorch: fixtures written by tools/fixtures/fdsl_fixture.py on Debian's torch
 * 1.13 with F.binary_cross_entropy_with_logits, F.cross_entropy with probability targets, and for the targets
 * F.one_hot + F.avg_pool2d (see its docstring).
 */
class FdslLossTest {
    static Npy.FloatArray fx(String name) {
        try (InputStream in = FdslLossTest.class.getResourceAsStream("fdsl/" + name + ".npy")) {
            return Npy.read(in, name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static NDArray load(NDManager m, String name) {
        Npy.FloatArray a = fx(name);
        return m.create(a.data(), new Shape(shape(a)));
    }

    @Test
    void lossAndGradientsMatchPytorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = load(m, "z"), y = load(m, "y"), s = load(m, "s"), q = load(m, "q");
            z.setRequiresGradient(true);
            s.setRequiresGradient(true);
            FdslLoss.Terms t;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                t = FdslLoss.compute(z, y, s, q);
                gc.backward(t.total());
            }
            close(fx("cls").data(), new float[] {t.cls().getFloat()}, 1e-6, "cls");
            close(fx("patch").data(), new float[] {t.patch().getFloat()}, 1e-6, "patch");
            close(fx("loss").data(), new float[] {t.total().getFloat()}, 1e-6, "loss");
            close(fx("grad_z").data(), z.getGradient().toFloatArray(), 1e-5, "grad z");
            close(fx("grad_s").data(), s.getGradient().toFloatArray(), 1e-5, "grad s");
        }
    }

    @Test
    void targetsMatchOneHotAveragePooling() {
        float[] m = fx("mask").data();
        byte[] mask = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
            mask[i] = (byte) m[i];
        }
        int families = 5, size = 8, patch = 4, g = size / patch;
        float[] y = new float[2 + families], q = new float[3 + g * g * (families + 1)]; // offsets are honoured
        FdslLoss.targets(mask, size, patch, families, y, 2, q, 3);
        close(fx("mask_y").data(), java.util.Arrays.copyOfRange(y, 2, y.length), 0, "multi-hot");
        close(fx("mask_q").data(), java.util.Arrays.copyOfRange(q, 3, q.length), 1e-6, "patch fractions");
    }
}
