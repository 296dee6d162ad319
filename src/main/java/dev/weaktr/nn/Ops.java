package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** Reductions over several axes (DJL's PyTorch engine reduces one axis per call). */
public final class Ops {
    private Ops() {}

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
