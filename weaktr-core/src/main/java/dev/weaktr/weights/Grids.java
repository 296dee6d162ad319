package dev.weaktr.weights;

/**
 * Separable resampling of small float grids with per-axis weight matrices {@code [out, in]} (from
 * {@link dev.weaktr.nn.BicubicResize#weights} or {@link dev.weaktr.nn.BilinearResize#weights}): the load-time
 * conversions of backbones-spec §6.2 (patch kernels, position grids).
 */
final class Grids {
    private Grids() {}

    /** {@code [C, h0, w0]} → {@code [C, h, w]}: every plane resized. */
    static float[] resizePlanes(float[] src, int planes, int h0, int w0, float[] wh, int h, float[] ww, int w) {
        float[] out = new float[planes * h * w];
        for (int c = 0; c < planes; c++) {
            int in = c * h0 * w0, o = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int a = 0; a < h0; a++) {
                        float fa = wh[y * h0 + a];
                        if (fa == 0) {
                            continue;
                        }
                        for (int b = 0; b < w0; b++) {
                            s += fa * ww[x * w0 + b] * src[in + a * w0 + b];
                        }
                    }
                    out[o + y * w + x] = (float) s;
                }
            }
        }
        return out;
    }

    /** {@code [h0, w0, D]} → {@code [h, w, D]} (a token grid, channels last). */
    static float[] resizeCellsLast(float[] src, int h0, int w0, int d, float[] wh, int h, float[] ww, int w) {
        float[] out = new float[h * w * d];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * d;
                for (int a = 0; a < h0; a++) {
                    float fa = wh[y * h0 + a];
                    if (fa == 0) {
                        continue;
                    }
                    for (int b = 0; b < w0; b++) {
                        float f = fa * ww[x * w0 + b];
                        if (f == 0) {
                            continue;
                        }
                        int in = (a * w0 + b) * d;
                        for (int c = 0; c < d; c++) {
                            out[o + c] += f * src[in + c];
                        }
                    }
                }
            }
        }
        return out;
    }
}
