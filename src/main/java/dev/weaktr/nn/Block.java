package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Pre-norm transformer block (timm/DeiT): {@code x += DropPath(Attn(LN1(x)))},
 * {@code x += DropPath(MLP(LN2(x)))}. Returns the attention tensors along with the new tokens.
 */
public final class Block {
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final double dropPath;

    /** Tokens after the block plus the attention outputs of its attention layer. */
    public record Output(NDArray tokens, Attention.Output attention) {}

    public Block(Parameters p, String name, int dim, int heads, int mlpHidden, boolean qkvBias, float eps, double dropPath) {
        this(p, name, dim, heads, mlpHidden, qkvBias, eps, dropPath, 0f);
    }

    /** @param dropout attention, projection and MLP dropout (Segmenter's decoder uses 0.1) */
    public Block(Parameters p, String name, int dim, int heads, int mlpHidden, boolean qkvBias, float eps, double dropPath,
            float dropout) {
        this.norm1 = new LayerNorm(p, name + ".norm1", dim, eps);
        this.attn = new Attention(p, name + ".attn", dim, heads, qkvBias, dropout);
        this.norm2 = new LayerNorm(p, name + ".norm2", dim, eps);
        this.mlp = new Mlp(p, name + ".mlp", dim, mlpHidden, dropout);
        this.dropPath = dropPath;
    }

    /**
     * @param x [B, N, D]
     * @param rng drop-path randomness while training; {@code null} at inference (no drop path, no dropout)
     */
    public Output forward(NDArray x, SplittableRandom rng, Attention.AttentionTap tap) {
        boolean training = rng != null;
        Attention.Output a = attn.forward(norm1.forward(x), tap, training);
        NDArray h = x.add(DropPath.apply(a.feature(), dropPath, rng));
        NDArray out = h.add(DropPath.apply(mlp.forward(norm2.forward(h), training), dropPath, rng));
        return new Output(out, a);
    }
}
