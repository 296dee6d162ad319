package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** The MLP branch of a block: {@link Mlp} (GELU) or {@link SwiGlu}. */
public interface FeedForward {
    /** {@code [B, N, D] -> [B, N, D]}. */
    NDArray forward(NDArray x, boolean training);
}
