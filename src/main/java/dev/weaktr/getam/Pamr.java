package dev.weaktr.getam;

import dev.weaktr.cam.BilinearUpsample;

/**
 * Pixel-adaptive mask refinement as GETAM runs it (official {@code pamr.py}, from 1-stage-wseg; peers.md §0.7):
 * the 8 neighbours at each dilation {1, 2, 4, 8, 12, 24} (48 in all, replicate padding, the centre excluded),
 * affinity {@code −|I_i − I_j| / (1e-8 + 0.1·s_i)} per colour channel, s_i the unbiased std of the 9 × 6 = 54
 * values of the 3×3 windows at all dilations (centre included), averaged over the channels, softmax over the 48
 * neighbours; then 10 times {@code m_i ← Σ_j a_ij·m_j}. No position term (unlike AFA's PAR). The masks are first
 * resized to the image bilinearly with align_corners True. Primitive arrays, one image at a time.
 */
public final class Pamr {
    /** The official dilations. */
    public static final int[] DILATIONS = {1, 2, 4, 8, 12, 24};
    private static final int[][] NEIGHBOURS = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};

    private final int iterations;
    private final int[] dilations;

    public Pamr(int iterations, int[] dilations) {
        this.iterations = iterations;
        this.dilations = dilations.clone();
    }

    /** The official {@code PAMR(num_iter=10, dilations=[1, 2, 4, 8, 12, 24])}. */
    public static Pamr official() {
        return new Pamr(10, DILATIONS);
    }

    /**
     * @param image [3, H, W] row-major, 0–255 (the official {@code ori_images})
     * @param masks [K, mh, mw] row-major, resized to H×W (align_corners True) if another size
     * @return the refined masks [K, H, W]
     */
    public float[] refine(float[] image, int channels, int h, int w, float[] masks, int k, int mh, int mw) {
        float[] m = mh == h && mw == w ? masks.clone() : BilinearUpsample.resizeAlignCorners(masks, k, mh, mw, h, w);
        int n = h * w, nb = dilations.length * NEIGHBOURS.length;
        float[] aff = affinities(image, channels, h, w); // [n, nb]
        int[] index = neighbourIndex(h, w); // [n, nb]
        float[] next = new float[m.length];
        for (int it = 0; it < iterations; it++) {
            for (int c = 0; c < k; c++) {
                int base = c * n;
                for (int p = 0; p < n; p++) {
                    float s = 0;
                    for (int j = 0; j < nb; j++) {
                        s += m[base + index[p * nb + j]] * aff[p * nb + j];
                    }
                    next[base + p] = s;
                }
            }
            float[] t = m;
            m = next;
            next = t;
        }
        return m;
    }

    /** Softmax over the 48 neighbours of the channel-mean scaled colour distance, per pixel: [n, 48]. */
    float[] affinities(float[] image, int channels, int h, int w) {
        int n = h * w, nb = dilations.length * NEIGHBOURS.length, win = dilations.length * 9;
        int[] index = neighbourIndex(h, w);
        int[] window = windowIndex(h, w);
        float[] aff = new float[n * nb];
        for (int c = 0; c < channels; c++) {
            int base = c * n;
            for (int p = 0; p < n; p++) {
                double sum = 0;
                for (int j = 0; j < win; j++) {
                    sum += image[base + window[p * win + j]];
                }
                double mean = sum / win, ss = 0;
                for (int j = 0; j < win; j++) {
                    double d = image[base + window[p * win + j]] - mean;
                    ss += d * d;
                }
                float std = (float) Math.sqrt(ss / (win - 1)); // torch.std: unbiased
                float denom = 1e-8f + 0.1f * std;
                float centre = image[base + p];
                for (int j = 0; j < nb; j++) {
                    aff[p * nb + j] += -Math.abs(centre - image[base + index[p * nb + j]]) / denom / channels;
                }
            }
        }
        for (int p = 0; p < n; p++) { // softmax over the neighbours
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < nb; j++) {
                max = Math.max(max, aff[p * nb + j]);
            }
            double z = 0;
            for (int j = 0; j < nb; j++) {
                z += Math.exp(aff[p * nb + j] - max);
            }
            for (int j = 0; j < nb; j++) {
                aff[p * nb + j] = (float) (Math.exp(aff[p * nb + j] - max) / z);
            }
        }
        return aff;
    }

    /** For each pixel the flat index of each neighbour (dilation-major, replicate padding): [n, 48]. */
    private int[] neighbourIndex(int h, int w) {
        int nb = dilations.length * NEIGHBOURS.length;
        int[] idx = new int[h * w * nb];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int j = 0;
                for (int d : dilations) {
                    for (int[] o : NEIGHBOURS) {
                        idx[(y * w + x) * nb + j++] = clamp(y + o[0] * d, h) * w + clamp(x + o[1] * d, w);
                    }
                }
            }
        }
        return idx;
    }

    /** The 3×3 windows (centre included) at every dilation: [n, 54]. */
    private int[] windowIndex(int h, int w) {
        int win = dilations.length * 9;
        int[] idx = new int[h * w * win];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int j = 0;
                for (int d : dilations) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            idx[(y * w + x) * win + j++] = clamp(y + dy * d, h) * w + clamp(x + dx * d, w);
                        }
                    }
                }
            }
        }
        return idx;
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : v >= n ? n - 1 : v;
    }
}
