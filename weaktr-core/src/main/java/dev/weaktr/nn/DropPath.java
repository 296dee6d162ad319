package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/** Stochastic depth: drops a residual branch per sample with probability p, scaling kept ones by 1/(1-p). */
public final class DropPath {
    private DropPath() {}

    /** @param x [B, ...]; identity when {@code rng == null} or {@code p == 0}. */
    public static NDArray apply(NDArray x, double p, SplittableRandom rng) {
        if (rng == null || p <= 0) {
            return x;
        }
        long b = x.getShape().get(0);
        float[] keep = new float[(int) b];
        for (int i = 0; i < b; i++) {
            keep[i] = rng.nextDouble() < 1 - p ? (float) (1 / (1 - p)) : 0f;
        }
        long[] shape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        NDArray mask = x.getManager().create(keep, new ai.djl.ndarray.types.Shape(shape)).toType(x.getDataType(), false);
        return x.mul(mask);
    }
}
