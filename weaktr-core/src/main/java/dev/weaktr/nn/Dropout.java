package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise dropout with libtorch's RNG (the trainers seed it per epoch, so resumed runs repeat it). */
public final class Dropout {
    private Dropout() {}

    public static NDArray apply(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }
}
