package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;

/**
 * Multi-head self-attention that hands out what the CAM methods need: the post-softmax attention
 * (WeakTr, MCTformer), the pre-softmax scores (AFA) and the attention feature {@code o} (WeakTr V3's
 * AAF input). Parameters {@code qkv [3D, D]}, {@code proj [D, D]} as in timm.
 */
public final class Attention {
    private final Linear qkv;
    private final NDArray qBias; // EVA-02 (backbones-spec §3.3): [D], null otherwise
    private final NDArray vBias;
    private final Linear proj;
    private final int heads;
    private final float scale;
    private final float dropout;

    /** Output of one attention call. */
    public record Output(
            NDArray feature, // [B, N, D]  after proj, before drop path / residual ("attention feature")
            NDArray attention, // [B, H, N, N] softmax probabilities (rows sum to 1)
            NDArray scores) {} // [B, H, N, N] scaled q·kᵀ before the softmax

    /** @param dropout rate of attention-probability and projection dropout (0 for the CAM model, 0.1 in Segmenter's decoder) */
    public Attention(Parameters p, String name, int dim, int heads, boolean qkvBias, float dropout) {
        this(p, name, dim, heads, qkvBias, false, dropout);
    }

    /**
     * @param qvBias EVA-02's split bias (backbones-spec §3.3): {@code qkv} has no bias; {@code q_bias} and
     *     {@code v_bias} (zeros) are added to q and v, k gets none. Overrides {@code qkvBias}.
     */
    public Attention(Parameters p, String name, int dim, int heads, boolean qkvBias, boolean qvBias, float dropout) {
        this.qkv = new Linear(p, name + ".qkv", dim, 3 * dim, qkvBias && !qvBias);
        this.qBias = qvBias ? p.constant(name + ".q_bias", 0f, dim) : null;
        this.vBias = qvBias ? p.constant(name + ".v_bias", 0f, dim) : null;
        this.proj = new Linear(p, name + ".proj", dim, dim, true);
        this.heads = heads;
        this.scale = (float) Math.pow(dim / (double) heads, -0.5);
        this.dropout = dropout;
    }

    /**
     * @param x [B, N, D]
     * @param tap lets a caller see or replace the attention probabilities before they are applied
     *     (e.g. GETAM makes them a leaf to read their gradient); {@code null} = none
     * @param training applies dropout (libtorch's RNG, seeded per epoch by the trainer)
     */
    public Output forward(NDArray x, AttentionTap tap, boolean training) {
        return forward(x, tap, training, null);
    }

    /** @param rope rotary table for the patch tokens (EVA-02, backbones-spec §3.4), or {@code null} */
    public Output forward(NDArray x, AttentionTap tap, boolean training, RotaryEmbedding.Table rope) {
        long b = x.getShape().get(0), n = x.getShape().get(1), d = x.getShape().get(2);
        NDList qkvHeads = queriesKeysValues(x, rope);
        NDArray q = qkvHeads.get(0);
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(Ops.scalar(q, scale)); // not mul(float): see Ops.scalar
        NDArray attention = scores.softmax(-1);
        NDArray used = tap == null ? attention : tap.apply(attention);
        NDArray o = Dropout.apply(used, dropout, training).matMul(v).transpose(0, 2, 1, 3).reshape(b, n, d);
        return new Output(Dropout.apply(proj.forward(o), dropout, training), used, scores);
    }

    /**
     * q, k, v per head, with EVA-02's q/v biases and rotary embedding where configured.
     *
     * @param x [B, N, D]
     * @return 3 × [B, H, N, D/H]
     */
    private NDList queriesKeysValues(NDArray x, RotaryEmbedding.Table rope) {
        long b = x.getShape().get(0), n = x.getShape().get(1), d = x.getShape().get(2);
        NDArray qkvOut = qkv.forward(x);
        if (qBias != null) {
            qkvOut = qkvOut.add(NDArrays.concat(new NDList(qBias, qBias.zerosLike(), vBias)));
        }
        NDList parts = qkvOut.reshape(b, n, 3, heads, d / heads).transpose(2, 0, 3, 1, 4).split(3, 0); // 3 × [1, B, H, N, hd]
        NDArray q = parts.get(0).squeeze(0);
        NDArray k = parts.get(1).squeeze(0);
        if (rope != null) {
            q = RotaryEmbedding.apply(q, rope);
            k = RotaryEmbedding.apply(k, rope);
        }
        return new NDList(q, k, parts.get(2).squeeze(0));
    }

    /**
     * Inference without the N×N maps (spec §1.6, bounded memory): q·kᵀ, the softmax and the product with v run
     * over blocks of {@code rowBlock} query rows, so at most [B, H, rowBlock, N] probabilities exist at a time.
     * No dropout, no tap. Each block's probabilities are shown to {@code sink} (may be {@code null}) before
     * they are freed; q and k are returned so a caller can recompute any rows with {@link #probabilities}.
     *
     * @param x [B, N, D]
     */
    public Streamed forwardStreamed(NDArray x, RotaryEmbedding.Table rope, int rowBlock, BlockSink sink) {
        long b = x.getShape().get(0), n = x.getShape().get(1), d = x.getShape().get(2);
        NDList qkvHeads = queriesKeysValues(x, rope);
        NDArray q = qkvHeads.get(0);
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        NDList outs = new NDList();
        for (long r0 = 0; r0 < n; r0 += rowBlock) {
            long r1 = Math.min(n, r0 + rowBlock);
            NDArray o;
            try (NDScope scope = new NDScope()) {
                NDArray p = probabilities(q, k, r0, r1); // [B, H, R, N]
                if (sink != null) {
                    sink.accept(r0, p);
                }
                o = p.matMul(v); // [B, H, R, hd]
                NDScope.unregister(o);
            }
            NDScope.register(o); // back to the caller's scope
            outs.add(o);
        }
        NDArray o = (outs.size() == 1 ? outs.get(0) : NDArrays.concat(outs, 2)).transpose(0, 2, 1, 3).reshape(b, n, d);
        return new Streamed(proj.forward(o), q, k);
    }

    /**
     * Softmax rows {@code r0..r1-1} of the attention (inference only: scaled in place): q [B, H, N, hd],
     * k [B, H, N, hd] -> [B, H, r1 − r0, N].
     */
    public NDArray probabilities(NDArray q, NDArray k, long r0, long r1) {
        NDArray p;
        try (NDScope scope = new NDScope()) { // frees the scores at once
            NDArray rows = r0 == 0 && r1 == q.getShape().get(2) ? q : q.get(":, :, {}:{}, :", r0, r1);
            // scaled in place (the same values as mul): two [B, H, R, N] arrays at a time, not three
            p = rows.matMul(k.transpose(0, 1, 3, 2)).muli(Ops.scalar(q, scale)).softmax(-1);
            NDScope.unregister(p);
        }
        NDScope.register(p);
        return p;
    }

    /** Output of {@link #forwardStreamed}: the attention feature [B, N, D] and the (rotated) q, k [B, H, N, hd]. */
    public record Streamed(NDArray feature, NDArray q, NDArray k) {}

    /** Sees each block of attention probabilities of {@link #forwardStreamed}. */
    @FunctionalInterface
    public interface BlockSink {
        void accept(long firstRow, NDArray probabilities); // [B, H, R, N]
    }

    /** A hook on the attention probabilities of one layer. */
    @FunctionalInterface
    public interface AttentionTap {
        NDArray apply(NDArray attention); // [B, H, N, N] -> [B, H, N, N]
    }
}
