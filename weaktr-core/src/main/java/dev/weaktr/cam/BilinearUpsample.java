package dev.weaktr.cam;

/**
 * Bilinear resizing of float maps with PyTorch's {@code align_corners=False} convention for a target
 * size: source coordinate {@code max(0, (i + 0.5)·in/out − 0.5)}, last index clamped.
 */
public final class BilinearUpsample {
    private BilinearUpsample() {}

    /**
     * @param maps [K, h, w] row-major
     * @return [K, outH, outW]
     */
    public static float[] resize(float[] maps, int k, int h, int w, int outH, int outW) {
        return resizeRows(maps, k, h, w, outH, outW, 0, outH);
    }

    /**
     * Output rows {@code from..to-1} of {@link #resize} only, so a large target can be made band by band.
     *
     * @return [K, to − from, outW]
     */
    public static float[] resizeRows(float[] maps, int k, int h, int w, int outH, int outW, int from, int to) {
        int[] y0 = new int[outH], y1 = new int[outH];
        float[] fy = new float[outH];
        axis(h, outH, y0, y1, fy);
        int[] x0 = new int[outW], x1 = new int[outW];
        float[] fx = new float[outW];
        axis(w, outW, x0, x1, fx);
        int rows = to - from;
        float[] out = new float[k * rows * outW];
        for (int c = 0; c < k; c++) {
            int src = c * h * w, dst = c * rows * outW;
            for (int i = from; i < to; i++) {
                int r0 = src + y0[i] * w, r1 = src + y1[i] * w;
                float wy = fy[i];
                for (int j = 0; j < outW; j++) {
                    float top = maps[r0 + x0[j]] + (maps[r0 + x1[j]] - maps[r0 + x0[j]]) * fx[j];
                    float bottom = maps[r1 + x0[j]] + (maps[r1 + x1[j]] - maps[r1 + x0[j]]) * fx[j];
                    out[dst + (i - from) * outW + j] = top + (bottom - top) * wy;
                }
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] frac) {
        double scale = in / (double) out;
        for (int i = 0; i < out; i++) {
            double src = Math.max(0, (i + 0.5) * scale - 0.5);
            int lo = Math.min((int) Math.floor(src), in - 1);
            i0[i] = lo;
            i1[i] = Math.min(lo + 1, in - 1);
            frac[i] = (float) (src - lo);
        }
    }

    /**
     * The same with {@code align_corners=True} (source coordinate {@code i·(in−1)/(out−1)}), as AFA's PAR resizes
     * its masks.
     */
    public static float[] resizeAlignCorners(float[] maps, int k, int h, int w, int outH, int outW) {
        float[] out = new float[k * outH * outW];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < outH; i++) {
                double sy = outH > 1 ? i * (h - 1) / (double) (outH - 1) : 0;
                int y0 = Math.min((int) sy, h - 1), y1 = Math.min(y0 + 1, h - 1);
                float fy = (float) (sy - y0);
                for (int j = 0; j < outW; j++) {
                    double sx = outW > 1 ? j * (w - 1) / (double) (outW - 1) : 0;
                    int x0 = Math.min((int) sx, w - 1), x1 = Math.min(x0 + 1, w - 1);
                    float fx = (float) (sx - x0);
                    int base = c * h * w;
                    float top = maps[base + y0 * w + x0] + (maps[base + y0 * w + x1] - maps[base + y0 * w + x0]) * fx;
                    float bottom = maps[base + y1 * w + x0] + (maps[base + y1 * w + x1] - maps[base + y1 * w + x0]) * fx;
                    out[c * outH * outW + i * outW + j] = top + (bottom - top) * fy;
                }
            }
        }
        return out;
    }
}
