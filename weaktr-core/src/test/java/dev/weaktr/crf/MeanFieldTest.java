package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.RgbImage;
import org.junit.jupiter.api.Test;

/**
 * Mean-field inference against a brute-force dense implementation (BruteForce.meanField) on a 30×30 image.
 * With the lattice's own operator as the dense kernel the update must agree to float rounding
 * (|ΔQ| ≤ 1e-5); with exact Gaussians, to the lattice's approximation (|ΔQ| ≤ 0.03).
 */
class MeanFieldTest {
    private static final int W = 30;
    private static final int H = 30;
    private static final int N = W * H;

    @Test
    void matchesDenseMeanFieldWithTheLatticeOperator() {
        for (CrfConfig cfg : new CrfConfig[] {CrfConfig.WEAKTR_SEG_VOC, CrfConfig.WEAKTR_CAM_COCO, CrfConfig.MCTFORMER_PSA}) {
            double diff = maxDiff(cfg, true);
            assertTrue(diff <= 1e-5, cfg.name() + ": max |ΔQ| = " + diff);
        }
    }

    @Test
    void matchesDenseMeanFieldWithExactGaussians() {
        for (CrfConfig cfg : new CrfConfig[] {CrfConfig.WEAKTR_SEG_VOC, CrfConfig.AFA}) {
            double diff = maxDiff(cfg, false);
            assertTrue(diff <= 0.03, cfg.name() + ": max |ΔQ| = " + diff);
        }
    }

    private static double maxDiff(CrfConfig cfg, boolean latticeOperator) {
        int m = 3;
        RgbImage img = TestImages.halves(W, H, 5, 3);
        float[] p = TestImages.noisyProbabilities(TestImages.halvesLabels(W, H, m), m, 8);
        float[] u = Unaries.fromProbabilities(p);
        float[] q = new MeanField().infer(img, u, m, cfg);
        double[] ref = BruteForce.meanField(u, m, N, denseKernels(img, cfg, latticeOperator), compat(cfg), cfg.iterations());
        double diff = 0;
        for (int i = 0; i < q.length; i++) {
            diff = Math.max(diff, Math.abs(q[i] - ref[i]));
        }
        return diff;
    }

    static double[][][] denseKernels(RgbImage img, CrfConfig cfg, boolean latticeOperator) {
        int n = img.width() * img.height();
        double[][][] k = new double[cfg.kernels().size()][][];
        for (int i = 0; i < k.length; i++) {
            CrfConfig.Kernel kern = cfg.kernels().get(i);
            float[] f = BruteForce.features(img, kern);
            double[][] raw = latticeOperator
                    ? BruteForce.latticeKernel(f, n, kern.featureDims())
                    : BruteForce.exactKernel(f, n, kern.featureDims());
            k[i] = BruteForce.normalisedKernel(raw);
        }
        return k;
    }

    static double[] compat(CrfConfig cfg) {
        return cfg.kernels().stream().mapToDouble(CrfConfig.Kernel::compat).toArray();
    }

    @Test
    void zeroIterationsIsTheSoftmaxOfTheNegativeUnary() {
        int m = 4;
        float[] p = TestImages.noisyProbabilities(TestImages.halvesLabels(W, H, 3), m, 2);
        float[] q = DenseCrf.refine(TestImages.halves(W, H, 1, 5), p, m, CrfConfig.AFA.withIterations(0));
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], q[i], 1e-6, "index " + i); // p sums to 1 and is > 1e-5: softmax(log p) = p
        }
    }

    @Test
    void outputIsADistributionPerPixel() {
        int m = 3;
        float[] p = TestImages.noisyProbabilities(TestImages.halvesLabels(W, H, m), m, 4);
        float[] q = DenseCrf.refine(TestImages.halves(W, H, 3, 5), p, m, CrfConfig.WEAKTR_SEG_VOC);
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int l = 0; l < m; l++) {
                assertTrue(q[l * N + i] >= 0 && q[l * N + i] <= 1);
                s += q[l * N + i];
            }
            assertEquals(1.0, s, 1e-5);
        }
    }

    /** Energy with the model's own pairwise term (normalised lattice operator), peers.md §5.1. */
    @Test
    void lowersTheEnergyOfANoisyLabelling() {
        int m = 3;
        RgbImage img = TestImages.halves(W, H, 6, 8);
        byte[] truth = TestImages.halvesLabels(W, H, m);
        byte[] noisy = TestImages.flip(truth, m, 0.3, 12);
        CrfConfig cfg = CrfConfig.WEAKTR_CAM_VOC;
        float[] u = Unaries.fromLabels(noisy, m, cfg.gtProb());
        byte[] refined = DenseCrf.refineLabels(img, noisy, m, cfg);
        double[][][] k = denseKernels(img, cfg, true);
        double before = BruteForce.energy(noisy, u, N, k, compat(cfg));
        double after = BruteForce.energy(refined, u, N, k, compat(cfg));
        assertTrue(after < 0.9 * before, "energy " + before + " -> " + after);
    }

    @Test
    void recoversTheTrueBoundaryFromNoisyLabels() {
        int w = 64;
        int h = 48;
        int m = 3;
        RgbImage img = TestImages.halves(w, h, 21, 10);
        byte[] truth = TestImages.halvesLabels(w, h, m);
        byte[] noisy = TestImages.flip(truth, m, 0.3, 5);
        // also shift the left/right boundary by 3 pixels in the noisy map
        for (int y = 0; y < h; y++) {
            for (int x = w / 2; x < w / 2 + 3; x++) {
                noisy[y * w + x] = 0;
            }
        }
        byte[] refined = DenseCrf.refineLabels(img, noisy, m, CrfConfig.WEAKTR_CAM_VOC);
        double iouNoisy = TestImages.meanIou(noisy, truth, m);
        double iouRefined = TestImages.meanIou(refined, truth, m);
        assertTrue(iouRefined > iouNoisy + 0.2, iouNoisy + " -> " + iouRefined);
        assertTrue(iouRefined > 0.95, "refined mIoU " + iouRefined);
    }

    @Test
    void oneLabelNeedsNoInference() {
        byte[] labels = new byte[N];
        assertTrue(java.util.Arrays.equals(labels,
                DenseCrf.refineLabels(TestImages.halves(W, H, 1, 1), labels, 1, CrfConfig.WEAKTR_CAM_VOC)));
    }
}
