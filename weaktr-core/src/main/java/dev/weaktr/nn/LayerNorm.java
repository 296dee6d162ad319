package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** LayerNorm over the last axis with affine weight (ones) and bias (zeros). */
public final class LayerNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final float eps;
    private final Shape normalized;

    public LayerNorm(Parameters p, String name, int dim, float eps) {
        this.weight = p.constant(name + ".weight", 1f, dim);
        this.bias = p.constant(name + ".bias", 0f, dim);
        this.eps = eps;
        this.normalized = new Shape(dim);
    }

    /** {@code [..., dim] -> [..., dim]}. */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
    }
}
