package dev.weaktr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.api.Test;

class SgdTest {
    /** loss = Σ a·p → gradient a; two Nesterov steps by hand (PyTorch's rule, dampening 0). */
    @Test
    void nesterovStepsMatchPyTorchsRule() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters params = new Parameters(m, DataType.FLOAT64, 0);
            NDArray enc = params.constant("encoder.w", 1f, 2);
            NDArray dec = params.constant("decoder.w", 1f, 2);
            double[] a = {0.5, -2};
            Sgd sgd = new Sgd(params, 0.9, true, 0.0, n -> n.startsWith("encoder.") ? 0.1 : 1.0);
            for (int step = 0; step < 2; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray coeff = m.create(a);
                    gc.backward(enc.mul(coeff).sum().add(dec.mul(coeff).sum()));
                }
                sgd.update(0.1);
            }
            // step 1: buf = g; d = g + 0.9 g = 1.9 g; step 2: buf = 0.9 g + g = 1.9 g; d = g + 0.9*1.9 g = 2.71 g
            double[] wantDec = new double[2], wantEnc = new double[2];
            for (int i = 0; i < 2; i++) {
                wantDec[i] = 1 - 0.1 * (1.9 + 2.71) * a[i];
                wantEnc[i] = 1 - 0.01 * (1.9 + 2.71) * a[i];
            }
            assertArrayEquals(wantDec, dec.toDoubleArray(), 1e-12);
            assertArrayEquals(wantEnc, enc.toDoubleArray(), 1e-12);
            assertEquals(2, sgd.step());
        }
    }

    @Test
    void polyScheduleMatchesTheFormula() {
        PolySchedule s = new PolySchedule(1e-4, 1e-5, 0.9, 100);
        assertEquals(1e-4, s.lrAt(0), 1e-15);
        assertEquals((1e-4 - 1e-5) * Math.pow(0.5, 0.9) + 1e-5, s.lrAt(50), 1e-15);
        assertEquals(1e-5, s.lrAt(100), 1e-15);
    }
}
