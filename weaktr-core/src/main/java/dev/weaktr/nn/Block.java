package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Pre-norm transformer block (timm/DeiT): {@code x += DropPath(γ₁·Attn(LN1(x)))},
 * {@code x += DropPath(γ₂·FFN(LN2(x)))}. The {@link BlockStyle} switches give the DINOv2 (LayerScale γ) and
 * EVA-02 (SwiGLU FFN, q/v bias, rotary q/k) variants of backbones-spec §3; the plain block has neither γ.
 * Returns the attention tensors along with the new tokens.
 */
public final class Block {
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerScale ls1; // null without LayerScale
    private final LayerNorm norm2;
    private final FeedForward mlp;
    private final LayerScale ls2;
    private final double dropPath;

    /** Tokens after the block plus the attention outputs of its attention layer. */
    public record Output(NDArray tokens, Attention.Output attention) {}

    public Block(Parameters p, String name, int dim, int heads, int mlpHidden, boolean qkvBias, float eps, double dropPath) {
        this(p, name, dim, heads, mlpHidden, qkvBias, eps, dropPath, 0f);
    }

    /** @param dropout attention, projection and MLP dropout (Segmenter's decoder uses 0.1) */
    public Block(Parameters p, String name, int dim, int heads, int mlpHidden, boolean qkvBias, float eps, double dropPath,
            float dropout) {
        this(p, name, dim, heads, mlpHidden, qkvBias, eps, dropPath, dropout, BlockStyle.PLAIN);
    }

    /** A block of the given style; parameter names as in the official state dicts (backbones-spec §6.6). */
    public Block(Parameters p, String name, int dim, int heads, int mlpHidden, boolean qkvBias, float eps, double dropPath,
            float dropout, BlockStyle style) {
        this.norm1 = new LayerNorm(p, name + ".norm1", dim, eps);
        this.attn = new Attention(p, name + ".attn", dim, heads, qkvBias, style.qvBias(), dropout);
        this.ls1 = style.layerScale() ? new LayerScale(p, name + ".ls1", dim) : null;
        this.norm2 = new LayerNorm(p, name + ".norm2", dim, eps);
        this.mlp = style.swiGlu() ? new SwiGlu(p, name + ".mlp", dim, mlpHidden) : new Mlp(p, name + ".mlp", dim, mlpHidden, dropout);
        this.ls2 = style.layerScale() ? new LayerScale(p, name + ".ls2", dim) : null;
        this.dropPath = dropPath;
    }

    /**
     * @param x [B, N, D]
     * @param rng drop-path randomness while training; {@code null} at inference (no drop path, no dropout)
     */
    public Output forward(NDArray x, SplittableRandom rng, Attention.AttentionTap tap) {
        return forward(x, rng, tap, null);
    }

    /** @param rope the rotary table of the current patch grid (EVA-02 style), or {@code null} */
    public Output forward(NDArray x, SplittableRandom rng, Attention.AttentionTap tap, RotaryEmbedding.Table rope) {
        boolean training = rng != null;
        Attention.Output a = attn.forward(norm1.forward(x), tap, training, rope);
        NDArray h = x.add(DropPath.apply(scale(ls1, a.feature()), dropPath, rng));
        NDArray f = mlp.forward(norm2.forward(h), training);
        NDArray out = h.add(DropPath.apply(scale(ls2, f), dropPath, rng));
        return new Output(out, a);
    }

    /**
     * Inference with the attention computed in row blocks (see {@link Attention#forwardStreamed}); no drop path.
     *
     * @return the new tokens [B, N, D] and the block's attention feature, q and k
     */
    public Streamed forwardStreamed(NDArray x, RotaryEmbedding.Table rope, int rowBlock, Attention.BlockSink sink) {
        Attention.Streamed a = attn.forwardStreamed(norm1.forward(x), rope, rowBlock, sink);
        NDArray h = x.add(scale(ls1, a.feature()));
        NDArray out = h.add(scale(ls2, mlp.forward(norm2.forward(h), false)));
        return new Streamed(out, a);
    }

    /** Tokens after the block plus its streamed attention outputs. */
    public record Streamed(NDArray tokens, Attention.Streamed attention) {}

    /** The block's attention layer (to recompute its probabilities from q and k). */
    public Attention attention() {
        return attn;
    }

    private static NDArray scale(LayerScale ls, NDArray x) {
        return ls == null ? x : ls.forward(x);
    }
}
