package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Reductions over several axes (DJL's PyTorch engine reduces one axis per call). */
public final class Ops {
    private Ops() {}

    /**
     * A 0-d tensor holding {@code value}, allocated by libtorch, to use instead of a Java number in differentiable
     * ops. DJL's {@code x.mul(Number)} (likewise {@code div}, {@code maximum}, {@code minimum}, {@code pow}) wraps
     * the number in a tensor over a Java direct buffer and closes it right after the op; the autograd node keeps
     * that tensor for the backward pass, and once the JVM's garbage collector frees the buffer, the backward reads
     * freed memory: gradients of 1e28 or NaN at random steps. A tensor allocated by libtorch is reference-counted
     * by the graph instead, so it lives as long as the backward needs it.
     */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** Mean over the given axes, highest first so lower indices stay valid. */
    public static NDArray mean(NDArray x, int... axes) {
        NDArray r = x;
        for (int a : sortedDescending(axes)) {
            r = r.mean(new int[] {a});
        }
        return r;
    }

    /** Max over the given axes. */
    public static NDArray max(NDArray x, int... axes) {
        NDArray r = x;
        for (int a : sortedDescending(axes)) {
            r = r.max(new int[] {a});
        }
        return r;
    }

    private static int[] sortedDescending(int[] axes) {
        int[] s = axes.clone();
        java.util.Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            int t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return s;
    }
}
