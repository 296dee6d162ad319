package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CamLossTest {
    @Test
    void multiLabelSoftMarginMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] x = {2.0, -1.0, 0.5, -30.0, 40.0, 0.0};
            double[] y = {1, 0, 0, 1, 0, 1};
            // per element: -[y log σ(x) + (1-y) log σ(-x)]
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                double logSig = -Math.log1p(Math.exp(-x[i]));
                double logSigNeg = -Math.log1p(Math.exp(x[i]));
                sum += -(y[i] * logSig + (1 - y[i]) * logSigNeg);
            }
            double expected = sum / 6; // mean over C = 3 then over B = 2
            double got = CamLoss.multiLabelSoftMargin(m.create(x, new Shape(2, 3)), m.create(y, new Shape(2, 3))).getDouble();
            assertEquals(expected, got, 1e-12);
            // spot value: x = 2, y = 1 -> log(1 + e^-2) = 0.126928...
            double single = CamLoss.multiLabelSoftMargin(m.create(new double[] {2.0}, new Shape(1, 1)),
                    m.create(new double[] {1.0}, new Shape(1, 1))).getDouble();
            assertEquals(0.12692801104297263, single, 1e-12);
        }
    }
}
