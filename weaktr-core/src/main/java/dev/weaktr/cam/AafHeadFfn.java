package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;

/**
 * AAF's head FFN, W' = Sigmoid(Linear(K·H → K·H/r, no bias) → ReLU → Linear(K·H/r → K·H, no bias))
 * (paper eq. 3; spec §1.5 {@code attn_head_ffn}). Maps one pooled value per layer-head to a weight in (0, 1).
 */
final class AafHeadFfn {
    private final Linear reduce;
    private final Linear expand;

    AafHeadFfn(Parameters p, int channels, double reduction) {
        int hidden = Math.max(1, (int) (channels / reduction));
        String prefix = "adaptive_attention_fusion.attn_head_ffn.";
        // PyTorch's default nn.Linear init, not timm's trunc-normal 0.02: the official WeakTr builds the AAF after
        // VisionTransformer.__init__ has applied _init_weights, and re-initialises only `head` (models.py)
        this.reduce = Linear.torchDefault(p, prefix + "0", channels, hidden, false);
        this.expand = Linear.torchDefault(p, prefix + "2", hidden, channels, false);
    }

    /** {@code [B, K·H] -> [B, K·H]} weights in (0, 1). */
    NDArray forward(NDArray pooled) {
        return expand.forward(reduce.forward(pooled).getNDArrayInternal().relu()).getNDArrayInternal().sigmoid();
    }

    /**
     * The weighted mean of the maps, eq. 4–5: Σ_k w_k·A_k / (K·H) (spec §1.6: a mean of weighted maps, not a
     * weight-normalised average). maps [B, KH, N, N], weights [B, KH] -> [B, N, N].
     */
    static NDArray weightedMean(NDArray maps, NDArray weights) {
        long b = weights.getShape().get(0), kh = weights.getShape().get(1);
        return maps.mul(weights.reshape(b, kh, 1, 1)).mean(new int[] {1});
    }
}
