package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** y = x·Wᵀ + b. Weight {@code [out, in]}, bias {@code [out]}; timm init: trunc-normal 0.02, zero bias. */
public final class Linear {
    private final NDArray weight;
    private final NDArray bias; // null when the layer has no bias

    public Linear(Parameters p, String name, int in, int out, boolean withBias) {
        this.weight = p.truncNormal(name + ".weight", 0.02, out, in);
        this.bias = withBias ? p.constant(name + ".bias", 0f, out) : null;
    }

    /** PyTorch's default nn.Linear init (kaiming_uniform a=√5): weight and bias uniform in ±1/√in. */
    public static Linear torchDefault(Parameters p, String name, int in, int out, boolean withBias) {
        double bound = 1 / Math.sqrt(in);
        return new Linear(p.uniform(name + ".weight", bound, out, in), withBias ? p.uniform(name + ".bias", bound, out) : null);
    }

    private Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** {@code [..., in] -> [..., out]}. */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
}
