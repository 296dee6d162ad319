package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** fc1 → GELU (exact, erf) → fc2, timm's {@code Mlp}. */
public final class Mlp implements FeedForward {
    private final Linear fc1;
    private final Linear fc2;
    private final float dropout;

    public Mlp(Parameters p, String name, int dim, int hidden, float dropout) {
        this.fc1 = new Linear(p, name + ".fc1", dim, hidden, true);
        this.fc2 = new Linear(p, name + ".fc2", hidden, dim, true);
        this.dropout = dropout;
    }

    /** {@code [B, N, D] -> [B, N, D]}; dropout after the activation and after fc2 when training. */
    @Override
    public NDArray forward(NDArray x, boolean training) {
        NDArray h = Dropout.apply(fc1.forward(x).getNDArrayInternal().gelu(), dropout, training);
        return Dropout.apply(fc2.forward(h), dropout, training);
    }
}
