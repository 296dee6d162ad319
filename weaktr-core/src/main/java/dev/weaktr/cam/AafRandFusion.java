package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Parameters;
import java.util.List;

/**
 * The "rand. fixed W" ablation (paper Tab. 4; newest code's {@code AAF_RandWeight}, model
 * {@code deit_small_WeakTr_AAF_RandWeight_patch16_224}, spec §1.5): the maps are not pooled at all; a fixed
 * random Gaussian query [1, K·H] (drawn once, never learned) goes through the head FFN + sigmoid, and the
 * resulting weights scale the maps as in eq. 4–5. Only the head FFN learns (from the fine-CAM loss).
 *
 * <p>The official code keeps the query outside the state dict (saved as {@code query.npy} beside the
 * checkpoint); weaktr stores it as the tensor {@value #QUERY}, so a run folder is self-contained.
 */
final class AafRandFusion implements AttentionFusion {
    static final String QUERY = "adaptive_attention_fusion.query";
    private final AafHeadFfn ffn;
    private final NDArray query; // [1, K·H], fixed

    AafRandFusion(Parameters p, int depth, int heads, AafConfig cfg) {
        this.query = p.fixedNormal(QUERY, 1.0, 1, (long) depth * heads); // torch.randn(1, channel)
        this.ffn = new AafHeadFfn(p, depth * heads, cfg.reduction());
    }

    @Override
    public String name() {
        return "aaf-rand";
    }

    @Override
    public boolean learnsFromFineCam() {
        return true;
    }

    @Override
    public Fused fuse(List<Attention.Output> layers, int classTokens) {
        NDArray maps = AttentionFusion.stackMaps(layers); // [B, KH, N, N]
        long b = maps.getShape().get(0), kh = maps.getShape().get(1);
        NDArray weights = ffn.forward(query.stopGradient().broadcast(b, kh)); // [B, KH], the same for every image
        return AttentionFusion.split(AafHeadFfn.weightedMean(maps, weights), classTokens);
    }

    @Override
    public MapWeights mapWeights(MapStats stats, NDManager manager) {
        NDArray w = ffn.forward(query.stopGradient().broadcast(stats.batch(), stats.maps())).div(stats.maps());
        return new MapWeights(w, w);
    }
}
