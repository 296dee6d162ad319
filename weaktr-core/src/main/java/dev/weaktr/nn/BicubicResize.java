package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Bicubic resizing of a token grid by a <em>scale factor</em>, exactly as PyTorch's
 * {@code F.interpolate(mode='bicubic', scale_factor=s, align_corners=False)} samples it
 * (weaktr-spec §1.1): output index i reads source coordinate {@code (i + 0.5) / s - 0.5}, cubic
 * convolution with a = -0.75, border indices clamped. Built as two small weight matrices applied with
 * matmul, so autograd flows through it to the position embedding.
 */
public final class BicubicResize {
    private static final double A = -0.75;

    private BicubicResize() {}

    /** Weight matrix {@code [out, in]} for one axis. */
    public static float[] weights(int in, int out, double scale) {
        float[] w = new float[out * in];
        for (int i = 0; i < out; i++) {
            double src = (i + 0.5) / scale - 0.5;
            int x0 = (int) Math.floor(src);
            double t = src - x0;
            double[] c = {cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t)};
            for (int k = 0; k < 4; k++) {
                int idx = Math.min(Math.max(x0 - 1 + k, 0), in - 1);
                w[i * in + idx] += (float) c[k];
            }
        }
        return w;
    }

    private static double cubic(double x) {
        x = Math.abs(x);
        if (x <= 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
        return 0;
    }

    /**
     * Resizes a grid {@code [gh, gw, D]} to {@code [outH, outW, D]} with the given per-axis scale factors
     * (PyTorch semantics: the scale, not the size, sets the sampling grid).
     */
    public static NDArray resize(NDArray grid, int outH, int outW, double scaleH, double scaleW) {
        long gh = grid.getShape().get(0), gw = grid.getShape().get(1), d = grid.getShape().get(2);
        NDManager m = grid.getManager();
        NDArray wh = m.create(weights((int) gh, outH, scaleH), new Shape(outH, gh)).toType(grid.getDataType(), false);
        NDArray ww = m.create(weights((int) gw, outW, scaleW), new Shape(outW, gw)).toType(grid.getDataType(), false);
        NDArray rows = grid.reshape(gh, gw * d); // [gh, gw*D]
        NDArray a = wh.matMul(rows).reshape(outH, gw, d).transpose(1, 0, 2).reshape(gw, outH * d); // [gw, outH*D]
        return ww.matMul(a).reshape(outW, outH, d).transpose(1, 0, 2); // [outH, outW, D]
    }
}
