package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** DINOv2's per-channel residual scale {@code gamma [D]} (backbones-spec §3.2), initialised to 1.0. */
public final class LayerScale {
    private final NDArray gamma;

    public LayerScale(Parameters p, String name, int dim) {
        this.gamma = p.constant(name + ".gamma", 1f, dim);
    }

    public NDArray forward(NDArray x) {
        return x.mul(gamma);
    }
}
