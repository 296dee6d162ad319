package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/** fc1 → GELU (exact, erf) → fc2, timm's {@code Mlp}. */
public final class Mlp {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(Parameters p, String name, int dim, int hidden) {
        this.fc1 = new Linear(p, name + ".fc1", dim, hidden, true);
        this.fc2 = new Linear(p, name + ".fc2", hidden, dim, true);
    }

    /** {@code [B, N, D] -> [B, N, D]}. */
    public NDArray forward(NDArray x) {
        NDArray h = fc1.forward(x);
        return fc2.forward(h.getNDArrayInternal().gelu());
    }
}
