package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import java.util.List;

/**
 * WeakTr's adaptive attention fusion as the paper describes it and the paper's numbers were made
 * (code V1, commit 56ba7d6; paper eq. 3–5): every layer-head attention map is pooled over its N×N
 * entries, the K·H pooled values go through the head FFN + sigmoid, and the weighted maps are averaged.
 *
 * <p>Note (spec §0): with average pooling each map's mean is exactly 1/N, so the FFN input is constant
 * and the weights are input-independent; max pooling gives input-dependent weights.
 */
final class AafMapFusion implements AttentionFusion {
    private final AafHeadFfn ffn;
    private final boolean maxPool;

    AafMapFusion(Parameters p, int depth, int heads, AafConfig cfg) {
        this.ffn = new AafHeadFfn(p, depth * heads, cfg.reduction());
        this.maxPool = cfg.pool().equals("max");
    }

    @Override
    public String name() {
        return "aaf";
    }

    @Override
    public boolean learnsFromFineCam() {
        return true;
    }

    @Override
    public Fused fuse(List<Attention.Output> layers, int classTokens) {
        NDArray maps = AttentionFusion.stackMaps(layers); // [B, KH, N, N], detached (spec §1.4)
        NDArray pooled = maxPool ? Ops.max(maps, 2, 3) : Ops.mean(maps, 2, 3); // [B, KH]
        NDArray weights = ffn.forward(pooled); // eq. 3: W' = FFN(Pool(A))
        return AttentionFusion.split(AafHeadFfn.weightedMean(maps, weights), classTokens);
    }

    @Override
    public MapWeights mapWeights(MapStats stats, NDManager manager) {
        NDArray pooled = manager.create(maxPool ? stats.max() : stats.mean(), new Shape(stats.batch(), stats.maps()));
        NDArray w = ffn.forward(pooled).div(stats.maps()); // eq. 3, and the 1/(K·H) of the mean (eq. 4–5)
        return new MapWeights(w, w);
    }
}
