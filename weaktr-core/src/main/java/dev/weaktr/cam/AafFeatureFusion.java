package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;
import java.util.List;

/**
 * The AAF of the newest official code (V3, HEAD; spec §1.5, "aaf-feat"): instead of the maps it pools
 * the attention <em>features</em> (each block's attention-branch output after {@code proj}) over the
 * N tokens per channel, reduces each head's 64 channels to one value with a purely linear FFN
 * (64 → 8 → 1, with biases, no activation), then applies the same head FFN + sigmoid to weight the maps
 * (eq. 3 with the attention features pooled in place of the maps A — not in the paper; then eq. 4–5).
 *
 * <p>Faithful to the code's quirk (spec §1.4): the D channels are split as (D/H) × H with the LAST
 * axis as "head", so head h owns channels {h, h+H, h+2H, ...}, not a contiguous block.
 */
final class AafFeatureFusion implements AttentionFusion {
    private final AafHeadFfn headFfn;
    private final Linear featReduce;
    private final Linear featOut;
    private final int heads;
    private final boolean maxPool;

    AafFeatureFusion(Parameters p, int depth, int heads, int dim, AafConfig cfg) {
        int headDim = dim / heads;
        int hidden = Math.max(1, (int) (headDim / cfg.featReduction()));
        // PyTorch's default init, as the official AAF gets (see AafHeadFfn)
        this.featReduce = Linear.torchDefault(p, "adaptive_attention_fusion.attn_feat_ffn.0", headDim, hidden, true);
        this.featOut = Linear.torchDefault(p, "adaptive_attention_fusion.attn_feat_ffn.1", hidden, 1, true);
        this.headFfn = new AafHeadFfn(p, depth * heads, cfg.reduction());
        this.heads = heads;
        this.maxPool = cfg.pool().equals("max");
    }

    @Override
    public String name() {
        return "aaf-feat";
    }

    @Override
    public boolean learnsFromFineCam() {
        return true;
    }

    @Override
    public Fused fuse(List<Attention.Output> layers, int classTokens) {
        NDArray maps = AttentionFusion.stackMaps(layers);
        NDList feats = new NDList(layers.size());
        for (Attention.Output a : layers) {
            feats.add(a.feature().stopGradient());
        }
        return AttentionFusion.split(AafHeadFfn.weightedMean(maps, weights(feats)), classTokens);
    }

    @Override
    public MapWeights mapWeights(MapStats stats, NDManager manager) {
        NDArray w = weights(new NDList(stats.features())).div(stats.maps());
        return new MapWeights(w, w);
    }

    /** The map weights [B, H·L] from every block's attention feature [B, N, D]. */
    private NDArray weights(NDList feats) {
        NDArray f = NDArrays.stack(feats, 0); // [L, B, N, D]
        long l = f.getShape().get(0), b = f.getShape().get(1), n = f.getShape().get(2), d = f.getShape().get(3);
        long hd = d / heads;
        // view (L,B,N,hd,H) -> (B,H,L,N,hd) -> (B, H·L, N, hd): strided head split, channel = head·L + layer
        f = f.reshape(l, b, n, hd, heads).transpose(1, 4, 0, 2, 3).reshape(b, heads * l, n, hd);
        NDArray pooled = maxPool ? f.max(new int[] {2}) : f.mean(new int[] {2}); // [B, HL, hd] over all N tokens
        NDArray perHead = featOut.forward(featReduce.forward(pooled)).reshape(b, heads * l); // [B, HL]
        return headFfn.forward(perHead);
    }
}
