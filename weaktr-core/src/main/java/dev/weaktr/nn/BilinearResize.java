package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Differentiable bilinear resizing to a target size with PyTorch's {@code align_corners=False}
 * convention (source coordinate {@code max(0, (i + 0.5)·in/out − 0.5)}), as two weight matrices applied
 * with matmul. Used for Segmenter's mask upsampling and its position-embedding resize (spec §4.1).
 */
public final class BilinearResize {
    private BilinearResize() {}

    /** Weight matrix {@code [out, in]} for one axis. */
    public static float[] weights(int in, int out) {
        double scale = in / (double) out;
        return weights(in, out, i -> Math.max(0, (i + 0.5) * scale - 0.5));
    }

    /** Linear interpolation weights [out, in] from each output index's source coordinate. */
    private static float[] weights(int in, int out, java.util.function.IntToDoubleFunction source) {
        float[] w = new float[out * in];
        for (int i = 0; i < out; i++) {
            double src = source.applyAsDouble(i);
            int lo = Math.min((int) Math.floor(src), in - 1);
            int hi = Math.min(lo + 1, in - 1);
            double f = src - lo;
            w[i * in + lo] += (float) (1 - f);
            w[i * in + hi] += (float) f;
        }
        return w;
    }

    /**
     * Weight matrix {@code [out, in]} for one axis with {@code align_corners=True}: source coordinate
     * {@code i·(in−1)/(out−1)} (0 when out = 1), SemFormer's mask and AE-input resizing (peers.md §4.2).
     */
    public static float[] weightsAlignCorners(int in, int out) {
        double scale = out > 1 ? (in - 1) / (double) (out - 1) : 0;
        return weights(in, out, i -> i * scale);
    }

    /** {@code [..., h, w] -> [..., outH, outW]} with {@code align_corners=True} (DPT's fusion and head upsampling). */
    public static NDArray resizeAlignCorners(NDArray x, int outH, int outW) {
        return resize(x, outH, outW, true);
    }

    /** {@code [..., h, w] -> [..., outH, outW]}. */
    public static NDArray resize(NDArray x, int outH, int outW) {
        return resize(x, outH, outW, false);
    }

    /** {@code [..., h, w] -> [..., outH, outW]}, with PyTorch's {@code align_corners} convention as given. */
    public static NDArray resize(NDArray x, int outH, int outW, boolean alignCorners) {
        long[] s = x.getShape().getShape();
        int h = (int) s[s.length - 2], w = (int) s[s.length - 1];
        if (h == outH && w == outW) {
            return x;
        }
        NDManager m = x.getManager();
        float[] fh = alignCorners ? weightsAlignCorners(h, outH) : weights(h, outH);
        float[] fw = alignCorners ? weightsAlignCorners(w, outW) : weights(w, outW);
        NDArray wh = m.create(fh, new Shape(outH, h)).toType(x.getDataType(), false);
        NDArray wwT = m.create(fw, new Shape(outW, w)).toType(x.getDataType(), false).transpose();
        return wh.matMul(x).matMul(wwT); // broadcast over the leading axes
    }

    /**
     * PyTorch's {@code F.interpolate(x, scale_factor=f, mode="bilinear", align_corners=False)}: output
     * {@code floor(f·h) × floor(f·w)}, and source coordinates stepped by {@code 1/f}, not by in/out (torch passes
     * the factor on to the kernel when {@code recompute_scale_factor} is unset). {@code [..., h, w]}.
     */
    public static NDArray resizeByFactor(NDArray x, double f) {
        long[] s = x.getShape().getShape();
        int h = (int) s[s.length - 2], w = (int) s[s.length - 1];
        int outH = (int) Math.floor(h * f), outW = (int) Math.floor(w * f);
        NDManager m = x.getManager();
        java.util.function.IntToDoubleFunction src = i -> Math.max(0, (i + 0.5) / f - 0.5);
        NDArray wh = m.create(weights(h, outH, src), new Shape(outH, h)).toType(x.getDataType(), false);
        NDArray wwT = m.create(weights(w, outW, src), new Shape(outW, w)).toType(x.getDataType(), false).transpose();
        return wh.matMul(x).matMul(wwT);
    }
}
