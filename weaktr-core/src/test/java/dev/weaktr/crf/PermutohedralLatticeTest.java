package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.RgbImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lattice against exact O(N²) Gaussian filtering. The lattice is an approximation whose overall
 * scale drifts by position (dense CRF normalises it away), so accuracy is stated for the normalised
 * filter L(v)/L(1) against B(v)/B(1), relative error per value:
 * ≤ 2% for dense random points (d = 1..3, 500 points in [0,2]^d), ≤ 3% for the positional kernel on a
 * pixel grid (sxy 3 and 5), ≤ 5% for bilateral kernels on a low-noise image.
 */
class PermutohedralLatticeTest {
    @Test
    void normalisedFilterMatchesBruteForceOnRandomPoints() {
        for (int d = 1; d <= 3; d++) {
            Random rnd = new Random(40 + d);
            int n = 500;
            float[] f = new float[n * d];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) (rnd.nextDouble() * 2);
            }
            double err = normalisedError(f, n, d, 3, 7);
            assertTrue(err <= 0.02, "d=" + d + " relative error " + err);
        }
    }

    @Test
    void normalisedFilterMatchesBruteForceOnPixelGrid() {
        RgbImage img = TestImages.halves(30, 30, 7, 3);
        CrfConfig.Kernel[] kernels = {CrfConfig.Kernel.gaussian(3, 1), CrfConfig.Kernel.gaussian(5, 1),
            CrfConfig.Kernel.bilateral(10, 13, 1), CrfConfig.Kernel.bilateral(83, 5, 1)};
        for (CrfConfig.Kernel k : kernels) {
            float[] f = BruteForce.features(img, k);
            double err = normalisedError(f, 900, k.featureDims(), 4, 11);
            double bound = k.isBilateral() ? 0.05 : 0.03;
            assertTrue(err <= bound, k + " relative error " + err);
        }
    }

    /** Max relative error of L(v)/L(1) against B(v)/B(1) for random v in [0.1, 1.1]. */
    private static double normalisedError(float[] f, int n, int d, int vs, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n * vs];
        double[] vd = new double[n * vs];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.1f + rnd.nextFloat();
            vd[i] = v[i];
        }
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        double[] onesD = new double[n];
        Arrays.fill(onesD, 1);
        PermutohedralLattice lat = new PermutohedralLattice(d);
        lat.build(f, n);
        float[] lv = new float[n * vs];
        float[] l1 = new float[n];
        lat.filter(v, lv, vs, false);
        lat.filter(ones, l1, 1, false);
        double[] bv = BruteForce.gaussianFilter(f, n, d, vd, vs);
        double[] b1 = BruteForce.gaussianFilter(f, n, d, onesD, 1);
        double err = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < vs; c++) {
                double a = lv[i * vs + c] / l1[i];
                double b = bv[i * vs + c] / b1[i];
                err = Math.max(err, Math.abs(a - b) / b);
            }
        }
        return err;
    }

    /**
     * In 1-D the lattice is a line with spacing h = 1/s_0 = √3/2 (s_0 = 2·√(2/3)/√2); two [½,1,½] blurs
     * multiply mass by 4; slicing multiplies by α = 2/3. On points of density ρ the output is
     * α·4·ρh against the exact ρ√(2π): ratio 0.92131.
     */
    @Test
    void oneDimensionalScaleMatchesHandComputation() {
        int n = 6001;
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.01f;
        }
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        float[] out = new float[n];
        PermutohedralLattice lat = new PermutohedralLattice(1);
        lat.build(f, n);
        lat.filter(ones, out, 1, false);
        double expected = (2.0 / 3.0) * 4 * (Math.sqrt(3) / 2) / Math.sqrt(2 * Math.PI);
        for (int i = 2000; i <= 4000; i += 137) {
            double exact = 100 * Math.sqrt(2 * Math.PI); // ρ√(2π), far from the ends
            assertEquals(expected, out[i] / exact, 0.01 * expected, "point " + i);
        }
        assertEquals(0.92131, expected, 1e-5);
    }

    @Test
    void reverseOrderIsTheTranspose() {
        int n = 400;
        int d = 5;
        Random rnd = new Random(3);
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (rnd.nextDouble() * 4);
        }
        float[] u = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = rnd.nextFloat();
            v[i] = rnd.nextFloat();
        }
        PermutohedralLattice lat = new PermutohedralLattice(d);
        lat.build(f, n);
        float[] kv = new float[n];
        float[] ktu = new float[n];
        lat.filter(v, kv, 1, false);
        lat.filter(u, ktu, 1, true);
        double a = 0, b = 0, asym = 0;
        for (int i = 0; i < n; i++) {
            a += u[i] * kv[i];
            b += ktu[i] * v[i];
        }
        float[] kfu = new float[n];
        lat.filter(u, kfu, 1, false);
        for (int i = 0; i < n; i++) {
            asym += Math.abs(kfu[i] - ktu[i]);
        }
        assertEquals(a, b, 1e-5 * Math.abs(a));
        assertTrue(asym > 1e-4, "forward and reverse should differ for d=5 (else the test proves nothing)");
    }

    @Test
    void channelsAreFilteredIndependently() {
        int n = 300;
        int d = 2;
        int vs = 4;
        Random rnd = new Random(9);
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (rnd.nextDouble() * 5);
        }
        float[] v = new float[n * vs];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat();
        }
        PermutohedralLattice lat = new PermutohedralLattice(d);
        lat.build(f, n);
        float[] all = new float[n * vs];
        lat.filter(v, all, vs, false);
        float[] one = new float[n];
        float[] out = new float[n];
        for (int c = 0; c < vs; c++) {
            for (int i = 0; i < n; i++) {
                one[i] = v[i * vs + c];
            }
            lat.filter(one, out, 1, false);
            for (int i = 0; i < n; i++) {
                assertEquals(out[i], all[i * vs + c], 1e-6f * Math.max(1, Math.abs(out[i])));
            }
        }
        assertTrue(lat.vertices() > 0 && lat.vertices() <= n * (d + 1));
    }

    @Test
    void rebuildingReusesTheInstance() {
        RgbImage big = TestImages.halves(40, 30, 1, 10);
        RgbImage small = TestImages.halves(12, 9, 2, 10);
        CrfConfig.Kernel k = CrfConfig.Kernel.bilateral(5, 10, 1);
        PermutohedralLattice reused = new PermutohedralLattice(5);
        reused.build(BruteForce.features(big, k), 1200);
        float[] fs = BruteForce.features(small, k);
        reused.build(fs, 108);
        PermutohedralLattice fresh = new PermutohedralLattice(5);
        fresh.build(fs, 108);
        float[] v = new float[108 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 11) / 11f;
        }
        float[] a = new float[v.length];
        float[] b = new float[v.length];
        reused.filter(v, a, 2, false);
        fresh.filter(v, b, 2, false);
        assertEquals(fresh.vertices(), reused.vertices());
        assertTrue(Arrays.equals(a, b));
    }
}
