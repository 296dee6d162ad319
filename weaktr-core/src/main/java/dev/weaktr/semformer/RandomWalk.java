package dev.weaktr.semformer;

import dev.weaktr.cam.BilinearUpsample;

/**
 * IRN's random walk as SemFormer runs it (core/aff_utils.py {@code propagate_to_edge}, inference_rw.py; peers.md
 * §0.6, §4.4), on the stride-4 grid of a CAM:
 *
 * <ol>
 *   <li>the boundary map is padded with 1 (left and right by r, bottom by r; r = 5) and the affinity of every pair
 *       within radius r ({@link PathIndex}) is 1 − the maximum boundary along its path; pairs reaching into the
 *       padding drop out (their affinity is 0), the diagonal is 1, the matrix is symmetric;
 *   <li>T = A^β (β = 10, element-wise), each column divided by its sum;
 *   <li>the CAM, times (1 − boundary), is propagated by T^(2^t) (t = 8: T^256);
 *   <li>the result is upsampled ×4 (bilinear, align_corners False), cropped to the image and divided by its overall
 *       maximum (inference_rw.py: one max over all classes).
 * </ol>
 *
 * <p>The official code builds the dense N×N matrix and squares it t times (O(N³), a GPU job); here the C maps are
 * multiplied by the sparse T 2^t times (O(2^t·N·P·C), P = 34 directions for r = 5): the same product in exact
 * arithmetic (fixture: within 1e-5 of the official float32 result).
 */
public final class RandomWalk {
    public static final int RADIUS = 5;
    public static final int BETA = 10;
    public static final int EXP_TIMES = 8;

    private RandomWalk() {}

    /**
     * @param cams [C, h, w] the CAM on the stride-4 grid
     * @param edge [h, w] boundary probabilities
     * @return [C, h, w] the propagated maps (before the upsampling)
     */
    public static float[] propagate(float[] cams, int c, int h, int w, float[] edge, int radius, int beta, int expTimes) {
        int n = h * w;
        int hp = h + radius, wp = w + 2 * radius;
        float[] padded = new float[hp * wp];
        java.util.Arrays.fill(padded, 1f);
        for (int y = 0; y < h; y++) {
            System.arraycopy(edge, y * w, padded, y * wp + radius, w);
        }
        PathIndex index = new PathIndex(radius, hp, wp);
        int m = index.sources();
        int[] src = index.src();
        int p = index.directions();
        // affinity of each (direction, source): 1 − max of the padded boundary along the path
        float[] aff = new float[p * m];
        int d = 0;
        for (int g = 0; g < index.groups(); g++) {
            int[] shape = index.groupShape(g);
            long[] idx = index.groupIndices(g);
            for (int i = 0; i < shape[0]; i++, d++) {
                for (int s = 0; s < m; s++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int l = 0; l < shape[1]; l++) {
                        max = Math.max(max, padded[(int) idx[(i * shape[1] + l) * m + s]]);
                    }
                    aff[d * m + s] = 1f - max;
                }
            }
        }
        // sparse symmetric A^β on the original pixels, by column: neighbours and weights
        int[] count = new int[n];
        int[] from = new int[p * m], to = new int[p * m];
        float[] weight = new float[p * m];
        int pairs = 0;
        int[] dst = index.dst();
        for (int j = 0; j < p * m; j++) {
            int a = inner(src[j % m], wp, h, w, radius), b = inner(dst[j], wp, h, w, radius);
            if (a < 0 || b < 0) {
                continue;
            }
            float v = (float) Math.pow(aff[j], beta); // torch.pow in float32
            if (v == 0) {
                continue;
            }
            from[pairs] = a;
            to[pairs] = b;
            weight[pairs] = v;
            pairs++;
            count[a]++;
            count[b]++;
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + count[i] + 1;
        }
        int[] row = new int[start[n]];
        double[] val = new double[start[n]];
        int[] fill = new int[n];
        for (int j = 0; j < n; j++) { // the diagonal: 1^β
            row[start[j]] = j;
            val[start[j]] = 1;
            fill[j] = 1;
        }
        for (int q = 0; q < pairs; q++) { // column b gets (a, b), column a gets (b, a)
            int a = from[q], b = to[q];
            row[start[b] + fill[b]] = a;
            val[start[b] + fill[b]++] = weight[q];
            row[start[a] + fill[a]] = b;
            val[start[a] + fill[a]++] = weight[q];
        }
        for (int j = 0; j < n; j++) { // column-normalise
            double s = 0;
            for (int q = start[j]; q < start[j + 1]; q++) {
                s += val[q];
            }
            for (int q = start[j]; q < start[j + 1]; q++) {
                val[q] /= s;
            }
        }
        double[] x = new double[c * n], y = new double[c * n];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < n; i++) {
                x[k * n + i] = cams[k * n + i] * (1 - edge[i]);
            }
        }
        long steps = 1L << expTimes;
        for (long t = 0; t < steps; t++) { // y_j = Σ_i x_i T_ij
            for (int k = 0; k < c; k++) {
                int off = k * n;
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = start[j]; q < start[j + 1]; q++) {
                        s += x[off + row[q]] * val[q];
                    }
                    y[off + j] = s;
                }
            }
            double[] tmp = x;
            x = y;
            y = tmp;
        }
        float[] out = new float[c * n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    /** The pixel index in the h×w image of a padded-grid index, or −1 in the padding. */
    private static int inner(int padded, int wp, int h, int w, int radius) {
        int y = padded / wp, x = padded % wp - radius;
        return y < h && x >= 0 && x < w ? y * w + x : -1;
    }

    /**
     * The full official step: {@link #propagate} with r = 5, β = 10, t = 8, upsampled ×4, cropped to H×W, divided
     * by the overall maximum.
     *
     * @return [C, H, W]
     */
    public static float[] walk(float[] cams, int c, int h, int w, float[] edge, int height, int width) {
        float[] rw = propagate(cams, c, h, w, edge, RADIUS, BETA, EXP_TIMES);
        float[] up = BilinearUpsample.resize(rw, c, h, w, 4 * h, 4 * w);
        float[] out = new float[c * height * width];
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            for (int yy = 0; yy < height; yy++) {
                for (int xx = 0; xx < width; xx++) {
                    float v = up[(k * 4 * h + yy) * 4 * w + xx];
                    out[(k * height + yy) * width + xx] = v;
                    max = Math.max(max, v);
                }
            }
        }
        if (max > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= max;
            }
        }
        return out;
    }
}
