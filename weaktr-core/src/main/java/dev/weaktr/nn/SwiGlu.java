package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * xformers' packed SwiGLU as EVA-02 Ti/S use it (backbones-spec §3.3): {@code w12 [2F, D]} holds the gate rows
 * (first F, SiLU) then the linear rows; {@code out = w3(SiLU(x·w1ᵀ + b1) ⊙ (x·w2ᵀ + b2))}. No dropout, no sub-norm.
 */
public final class SwiGlu implements FeedForward {
    private final Linear w12;
    private final Linear w3;

    public SwiGlu(Parameters p, String name, int dim, int hidden) {
        this.w12 = new Linear(p, name + ".w12", dim, 2 * hidden, true);
        this.w3 = new Linear(p, name + ".w3", hidden, dim, true);
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        NDArray h = w12.forward(x);
        NDList halves = h.split(2, h.getShape().dimension() - 1);
        NDArray gate = halves.get(0);
        NDArray silu = gate.mul(gate.getNDArrayInternal().sigmoid());
        return w3.forward(silu.mul(halves.get(1)));
    }
}
