package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Attention;
import java.util.List;

/**
 * MCTformer's fusion, WeakTr's baseline (Tab. 4; peers.md §1.2): attention averaged over heads; the
 * class→patch map is the SUM over the last K layers (K = 3 in the released scripts), the patch→patch
 * affinity the SUM over all layers, neither normalised. Parameter-free, so the fine CAM is an
 * inference-time refinement only (MCTformer has no fine-CAM loss).
 */
final class MeanSumFusion implements AttentionFusion {
    private final int lastLayers;

    MeanSumFusion(int lastLayers) {
        this.lastLayers = lastLayers;
    }

    @Override
    public String name() {
        return "mean-sum";
    }

    @Override
    public boolean learnsFromFineCam() {
        return false;
    }

    @Override
    public Fused fuse(List<Attention.Output> layers, int classTokens) {
        NDArray cross = null;
        NDArray patch = null;
        int depth = layers.size();
        for (int l = 0; l < depth; l++) {
            NDArray headMean = layers.get(l).attention().stopGradient().mean(new int[] {1}); // [B, N, N]
            Fused parts = AttentionFusion.split(headMean, classTokens);
            patch = patch == null ? parts.patchAttention() : patch.add(parts.patchAttention());
            if (l >= depth - Math.min(lastLayers, depth)) {
                cross = cross == null ? parts.crossAttention() : cross.add(parts.crossAttention());
            }
        }
        return new Fused(cross, patch);
    }
}
