package dev.weaktr.pretrain;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;

/**
 * DINO's projection head (Caron et al. 2021, "Emerging Properties in Self-Supervised Vision Transformers", §3.1 and
 * the paper's Appendix): a 3-layer MLP (hidden width {@code hidden}, GELU) down to a {@code bottleneck}, ℓ2
 * normalisation, then a weight-normalised linear layer without bias to {@code outDim} prototypes:
 * <pre>  z = W · normalize(MLP(x)),  W_j = g_j · v_j / ‖v_j‖  </pre>
 * with g fixed at 1 ("norm_last_layer", the default), so each prototype row is a unit vector. Parameter names follow
 * the published head ({@code head.mlp.0/2/4.*}, {@code head.last_layer.weight_v}) so
 * checkpoints can be compared with PyTorch's {@code torch.nn.utils.weight_norm}; g, always 1, is not stored.
 */
public final class DinoHead {
    private final Linear fc1;
    private final Linear fc2;
    private final Linear fc3;
    private final NDArray weightV; // [outDim, bottleneck]

    /** Sizes of the head; DINO's defaults are 2048 / 256 / 65536 (the CPU recipe uses fewer prototypes). */
    public record Config(int hidden, int bottleneck, int outDim) {}

    public DinoHead(Parameters p, String name, int inDim, Config c) {
        this.fc1 = new Linear(p, name + ".mlp.0", inDim, c.hidden(), true);
        this.fc2 = new Linear(p, name + ".mlp.2", c.hidden(), c.hidden(), true);
        this.fc3 = new Linear(p, name + ".mlp.4", c.hidden(), c.bottleneck(), true);
        // PyTorch's default Linear init for the last layer (DINO applies trunc_normal only to the MLP's Linears)
        this.weightV = p.uniform(name + ".last_layer.weight_v", 1 / Math.sqrt(c.bottleneck()), c.outDim(), c.bottleneck());
    }

    /** Whether {@code name} is the last layer, whose gradient DINO cancels during the first epoch(s). */
    public static boolean lastLayer(String name) {
        return name.contains("last_layer.");
    }

    /** {@code [N, inDim] -> [N, outDim]}. */
    public NDArray forward(NDArray x) {
        NDArray h = fc1.forward(x).getNDArrayInternal().gelu();
        h = fc2.forward(h).getNDArrayInternal().gelu();
        h = fc3.forward(h);
        h = normalize(h); // F.normalize(x, dim=-1, p=2): x / max(‖x‖, 1e-12)
        NDArray w = weightV.div(rowNorm(weightV)); // torch weight_norm(dim=0) with g = 1: v / ‖v‖ per row, no epsilon
        return h.getNDArrayInternal().linear(h, w, null).singletonOrThrow();
    }

    /** x / max(‖x‖₂, 1e-12) along the last axis. */
    static NDArray normalize(NDArray x) {
        NDArray norm = x.square().sum(new int[] {-1}, true).sqrt();
        return x.div(norm.maximum(Ops.scalar(norm, 1e-12))); // libtorch scalar: see Ops.scalar
    }

    private static NDArray rowNorm(NDArray v) {
        return v.square().sum(new int[] {-1}, true).sqrt(); // [out, 1]
    }
}
