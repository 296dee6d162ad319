package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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

    /** The head mean and layer sums as weights: 1/H on every map (patch), on the last K layers' maps (cross). */
    @Override
    public MapWeights mapWeights(MapStats stats, NDManager manager) {
        int maps = stats.maps(), depth = stats.depth(), heads = stats.heads();
        float[] cross = new float[stats.batch() * maps], patch = new float[stats.batch() * maps];
        for (int b = 0; b < stats.batch(); b++) {
            for (int h = 0; h < heads; h++) {
                for (int l = 0; l < depth; l++) {
                    int i = b * maps + h * depth + l;
                    patch[i] = 1f / heads;
                    cross[i] = l >= depth - Math.min(lastLayers, depth) ? 1f / heads : 0f;
                }
            }
        }
        Shape s = new Shape(stats.batch(), maps);
        return new MapWeights(manager.create(cross, s), manager.create(patch, s));
    }
}
