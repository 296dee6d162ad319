package dev.weaktr.afa;

import dev.weaktr.cam.BilinearUpsample;

/**
 * Pixel-adaptive refinement (AFA paper §3.3; rulixiang/afa {@code wetr/PAR.py}): each mask pixel becomes a
 * weighted sum of its 48 neighbours (the 8 around it at dilations 1, 2, 4, 8, 12, 24, replicate padding, centre
 * excluded), iterated 10 times, with weights
 * {@code a_ij = softmax_j(mean_rgb −(|I_i − I_j| / (σ_i + 1e-8) / w1)²) + w3 · softmax_j(−(d_ij / (σ_d + 1e-8) / w1)²)}
 * (paper eqs. 6–8), σ_i the unbiased std of the 48 neighbour values per channel, d_ij the offset length (d or √2·d),
 * σ_d the std of the 48 lengths. The code's values: w1 = 0.3 for both terms (the paper's w1 and w2) and w3 = 0.01
 * (peers.md §2.6). Plain arrays; no gradient.
 */
public final class Par {
    static final int[] DILATIONS = {1, 2, 4, 8, 12, 24};
    static final int ITERATIONS = 10;
    static final double W1 = 0.3;
    static final double W3 = 0.01;
    // get_kernel(): the 3×3 positions without the centre, row-major
    private static final int[] DY = {-1, -1, -1, 0, 0, 1, 1, 1};
    private static final int[] DX = {-1, 0, 1, -1, 1, -1, 0, 1};

    private Par() {}

    /**
     * @param image {@code [3, h, w]} (AFA passes the de-normalised crop /255 at half size)
     * @param masks {@code [k, mh, mw]}, resized to h×w bilinearly with align_corners True first
     * @return refined masks {@code [k, h, w]}
     */
    public static float[] refine(float[] image, int h, int w, float[] masks, int k, int mh, int mw) {
        int n = DY.length * DILATIONS.length, hw = h * w;
        int[] oy = new int[n], ox = new int[n];
        double[] pos = new double[n];
        for (int d = 0, j = 0; d < DILATIONS.length; d++) {
            for (int t = 0; t < DY.length; t++, j++) {
                oy[j] = DY[t] * DILATIONS[d];
                ox[j] = DX[t] * DILATIONS[d];
                pos[j] = (DY[t] != 0 && DX[t] != 0 ? (float) Math.sqrt(2) : 1f) * DILATIONS[d];
            }
        }
        double posStd = std(pos);
        double[] posAff = new double[n];
        for (int j = 0; j < n; j++) {
            double v = pos[j] / (posStd + 1e-8) / W1;
            posAff[j] = -v * v;
        }
        double[] posSoft = softmax(posAff);
        float[] aff = new float[n * hw]; // [48, h, w]
        double[] vals = new double[n];
        double[] logit = new double[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                java.util.Arrays.fill(logit, 0);
                for (int c = 0; c < 3; c++) {
                    int base = c * hw;
                    for (int j = 0; j < n; j++) {
                        vals[j] = image[base + clamp(y + oy[j], h) * w + clamp(x + ox[j], w)];
                    }
                    double s = std(vals), centre = image[base + y * w + x];
                    for (int j = 0; j < n; j++) {
                        double v = Math.abs(vals[j] - centre) / (s + 1e-8) / W1;
                        logit[j] -= v * v / 3; // mean over the 3 channels
                    }
                }
                double[] soft = softmax(logit);
                for (int j = 0; j < n; j++) {
                    aff[j * hw + y * w + x] = (float) (soft[j] + W3 * posSoft[j]);
                }
            }
        }
        float[] m = BilinearUpsample.resizeAlignCorners(masks, k, mh, mw, h, w);
        float[] next = new float[m.length];
        for (int it = 0; it < ITERATIONS; it++) {
            for (int c = 0; c < k; c++) {
                int base = c * hw;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double sum = 0;
                        for (int j = 0; j < n; j++) {
                            sum += aff[j * hw + y * w + x] * m[base + clamp(y + oy[j], h) * w + clamp(x + ox[j], w)];
                        }
                        next[base + y * w + x] = (float) sum;
                    }
                }
            }
            float[] t = m;
            m = next;
            next = t;
        }
        return m;
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : v >= n ? n - 1 : v;
    }

    /** Unbiased standard deviation (torch.std). */
    private static double std(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    private static double[] softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double[] e = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            e[i] = Math.exp(v[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < v.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
