package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * TensorFlow's "SAME" padding as timm computes it for its hybrid ViT's ResNet ({@code layers/padding.py}
 * {@code pad_same}): total padding {@code max((⌈x/s⌉ − 1)·s + (k − 1)·d + 1 − x, 0)} per axis, the smaller half
 * before, the larger after, with a constant value (0 for convs, −∞ for max pooling).
 */
public final class SamePadding {
    private SamePadding() {}

    /** Total padding of one axis of size {@code x}. */
    public static int total(int x, int kernel, int stride, int dilation) {
        return Math.max((int) ((Math.ceil(x / (double) stride) - 1) * stride + (kernel - 1L) * dilation + 1 - x), 0);
    }

    /** {@code [B, C, H, W]} padded for a kernel/stride window. */
    public static NDArray pad(NDArray x, int kernel, int stride, float value) {
        int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
        int ph = total(h, kernel, stride, 1), pw = total(w, kernel, stride, 1);
        return pad(x, ph / 2, ph - ph / 2, pw / 2, pw - pw / 2, value);
    }

    /** Constant padding of the last two axes of {@code [B, C, H, W]}. */
    public static NDArray pad(NDArray x, int top, int bottom, int left, int right, float value) {
        if (top == 0 && bottom == 0 && left == 0 && right == 0) {
            return x;
        }
        long b = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        NDList rows = new NDList();
        if (top > 0) {
            rows.add(x.getManager().full(new Shape(b, c, top, w), value, x.getDataType()));
        }
        rows.add(x);
        if (bottom > 0) {
            rows.add(x.getManager().full(new Shape(b, c, bottom, w), value, x.getDataType()));
        }
        NDArray y = rows.size() == 1 ? x : NDArrays.concat(rows, 2);
        long hp = h + top + bottom;
        NDList cols = new NDList();
        if (left > 0) {
            cols.add(x.getManager().full(new Shape(b, c, hp, left), value, x.getDataType()));
        }
        cols.add(y);
        if (right > 0) {
            cols.add(x.getManager().full(new Shape(b, c, hp, right), value, x.getDataType()));
        }
        return cols.size() == 1 ? y : NDArrays.concat(cols, 3);
    }

    /**
     * Max pooling with SAME padding (timm {@code MaxPool2dSame}: pad with −∞, then pool without padding), as the
     * maximum of the k² strided views.
     */
    public static NDArray maxPool(NDArray x, int kernel, int stride) {
        NDArray xp = pad(x, kernel, stride, Float.NEGATIVE_INFINITY);
        long hp = xp.getShape().get(2), wp = xp.getShape().get(3);
        long oh = (hp - kernel) / stride + 1, ow = (wp - kernel) / stride + 1;
        NDArray y = null;
        for (int ky = 0; ky < kernel; ky++) {
            for (int kx = 0; kx < kernel; kx++) {
                NDArray s = xp.get(new ai.djl.ndarray.index.NDIndex(":, :, {}:{}:{}, {}:{}:{}", ky,
                        ky + stride * (oh - 1) + 1, stride, kx, kx + stride * (ow - 1) + 1, stride));
                y = y == null ? s : y.maximum(s);
            }
        }
        return y;
    }
}
