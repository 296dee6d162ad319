package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gradients of the fusion and the fine CAM against central finite differences, in float64. */
class CamNetGradientTest {
    static final VitConfig TINY = new VitConfig("test", 4, 8, 2, 2, 2, 1e-6f, 0.0, 8);

    static double loss(WeakTrCamNet net, NDArray images, NDArray targets) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            WeakTrCamNet.Output out = net.forward(images, null);
            return CamLoss.multiLabelSoftMargin(out.fineScores(), targets).getDouble();
        }
    }

    void checkFusionGradients(String fusion, String pool) {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT64, 7);
            WeakTrCamNet net = new WeakTrCamNet(p, new CamNetConfig(TINY, 3, fusion, new AafConfig(2, 2, pool)));
            SplittableRandom r = new SplittableRandom(3);
            double[] img = r.doubles(2 * 3 * 12 * 8).map(v -> v * 2 - 1).toArray();
            NDArray images = m.create(img, new Shape(2, 3, 12, 8)); // non-square: exercises pos-embed resize
            NDArray targets = m.create(new double[] {1, 0, 1, 0, 1, 0}, new Shape(2, 3));

            Map<String, NDArray> params = p.all();
            // O(1) fusion weights (the 0.02 init makes the feature path's gradients vanishingly small)
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                if (e.getKey().startsWith("adaptive_attention_fusion")) {
                    e.getValue().set(java.nio.DoubleBuffer.wrap(r.doubles(e.getValue().size()).map(v -> v * 2 - 1).toArray()));
                }
            }
            double analyticNorm = 0;
            int checked = 0;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                WeakTrCamNet.Output out = net.forward(images, null);
                gc.backward(CamLoss.multiLabelSoftMargin(out.fineScores(), targets));
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray param = e.getValue();
                double[] grad = param.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                boolean isFusion = e.getKey().startsWith("adaptive_attention_fusion");
                double[] values = param.toDoubleArray();
                for (int i = 0; i < Math.min(values.length, 4); i++) {
                    double fd = finiteDifference(net, images, targets, param, values, i);
                    if (isFusion) {
                        assertEquals(fd, grad[i], 1e-6 + 1e-4 * Math.abs(fd), e.getKey() + "[" + i + "]");
                        analyticNorm += Math.abs(grad[i]);
                        checked++;
                    } else {
                        // spec §6.5: everything feeding the fusion is detached, so the fine loss trains only the AAF
                        assertEquals(0.0, grad[i], 0.0, e.getKey() + " must get no gradient from the fine loss");
                    }
                }
            }
            assertTrue(checked > 0 && analyticNorm > 1e-8, "fusion gradients must be non-trivial");
        }
    }

    private static double finiteDifference(WeakTrCamNet net, NDArray images, NDArray targets, NDArray param,
            double[] values, int i) {
        double eps = 1e-6;
        double[] plus = values.clone();
        plus[i] += eps;
        param.set(java.nio.DoubleBuffer.wrap(plus));
        double lp = loss(net, images, targets);
        double[] minus = values.clone();
        minus[i] -= eps;
        param.set(java.nio.DoubleBuffer.wrap(minus));
        double lm = loss(net, images, targets);
        param.set(java.nio.DoubleBuffer.wrap(values));
        return (lp - lm) / (2 * eps);
    }

    @Test
    void aafMapMaxPoolGradientsMatchFiniteDifferences() {
        checkFusionGradients("aaf", "max");
    }

    @Test
    void aafMapAvgPoolGradientsMatchFiniteDifferences() {
        checkFusionGradients("aaf", "avg");
    }

    @Test
    void aafFeatureGradientsMatchFiniteDifferences() {
        checkFusionGradients("aaf-feat", "avg");
    }

    @Test
    void fineCamGradientMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            SplittableRandom r = new SplittableRandom(5);
            double[] pa = r.doubles(2 * 6 * 6).toArray();
            double[] cam = r.doubles(2 * 3 * 6).toArray();
            double[] weights = r.doubles(2 * 3 * 6).toArray(); // loss = Σ weights ⊙ fineCam
            NDArray paArr = m.create(pa, new Shape(2, 6, 6));
            NDArray camArr = m.create(cam, new Shape(2, 3, 2, 3));
            NDArray wArr = m.create(weights, new Shape(2, 3, 2, 3));
            paArr.setRequiresGradient(true);
            camArr.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(WeakTrCamNet.fineCam(paArr, camArr).mul(wArr).sum());
            }
            double[] gPa = paArr.getGradient().toDoubleArray();
            double[] gCam = camArr.getGradient().toDoubleArray();
            // hand formula: d/dPA[b,i,j] = Σ_c w[b,c,i]·cam[b,c,j]; d/dcam[b,c,j] = Σ_i w[b,c,i]·PA[b,i,j]
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 6; i++) {
                    for (int j = 0; j < 6; j++) {
                        double expect = 0;
                        for (int c = 0; c < 3; c++) {
                            expect += weights[(b * 3 + c) * 6 + i] * cam[(b * 3 + c) * 6 + j];
                        }
                        assertEquals(expect, gPa[(b * 6 + i) * 6 + j], 1e-12);
                    }
                }
                for (int c = 0; c < 3; c++) {
                    for (int j = 0; j < 6; j++) {
                        double expect = 0;
                        for (int i = 0; i < 6; i++) {
                            expect += weights[(b * 3 + c) * 6 + i] * pa[(b * 6 + i) * 6 + j];
                        }
                        assertEquals(expect, gCam[(b * 3 + c) * 6 + j], 1e-12);
                    }
                }
            }
        }
    }
}
