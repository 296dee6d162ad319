package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Parameters;
import java.util.List;

/**
 * How the per-layer, per-head self-attention of the backbone becomes one class→patch cross-attention
 * and one patch→patch attention (WeakTr §3.1). Chosen by name ({@code --fusion}); each strategy is its
 * own class.
 */
public interface AttentionFusion {

    /** The two fused maps. */
    record Fused(
            NDArray crossAttention, // [B, C, hw]  class-token query rows, patch key columns
            NDArray patchAttention) {} // [B, hw, hw] patch query rows, patch key columns

    /** The fusion's name, as given to {@code --fusion}. */
    String name();

    /**
     * @param layers every block's attention output, in depth order (post-softmax maps [B, H, N, N])
     * @param classTokens C, the number of leading class tokens in N
     */
    Fused fuse(List<Attention.Output> layers, int classTokens);

    /**
     * Whether the fine-CAM loss (L_Fine-CAM of eq. 7) trains anything. False for parameter-free fusions, where the
     * fine CAM is used at inference only (MCTformer's refinement).
     */
    boolean learnsFromFineCam();

    /**
     * Per-map statistics gathered while the attention is streamed (spec §1.6): for every image and map
     * k = head·L + layer, the max and the mean of its N×N entries, and each block's attention feature.
     *
     * @param max [B·H·L] row-major [B, H·L]
     * @param mean [B·H·L]
     * @param features each block's attention feature [B, N, D], in depth order
     */
    record MapStats(int batch, int heads, int depth, float[] max, float[] mean, List<NDArray> features) {
        /** H·L, the number of maps per image. */
        public int maps() {
            return heads * depth;
        }
    }

    /**
     * The streamed form of the fusion (spec §1.6): weights such that the fused class→patch map is
     * Σ_k cross[b, k]·A_k and the patch→patch map Σ_k patch[b, k]·A_k, so the maps can be accumulated block by
     * block instead of stacked. Both [B, H·L], channel head·L + layer.
     */
    record MapWeights(NDArray cross, NDArray patch) {}

    /** The weights of {@link MapWeights} from the statistics of the streamed forward pass. */
    MapWeights mapWeights(MapStats stats, NDManager manager);

    /** The names accepted by {@link #create}. */
    List<String> NAMES = List.of("aaf", "aaf-feat", "aaf-rand", "mean-sum");

    /**
     * Builds a fusion by name, registering its parameters under {@code adaptive_attention_fusion.*}
     * (the official state-dict prefix).
     */
    static AttentionFusion create(String name, Parameters p, int depth, int heads, int dim, AafConfig aaf) {
        return switch (name) {
            case "aaf" -> new AafMapFusion(p, depth, heads, aaf);
            case "aaf-feat" -> new AafFeatureFusion(p, depth, heads, dim, aaf);
            case "aaf-rand" -> new AafRandFusion(p, depth, heads, aaf);
            case "mean-sum" -> new MeanSumFusion(3);
            default -> throw new WeaktrException("unknown fusion '" + name + "' (--fusion); expected one of " + NAMES);
        };
    }

    /**
     * Stacks the detached attention maps of all layers as {@code [B, H·L, N, N]} with channel index
     * {@code head·L + layer} (head-major, spec §1.4). Detached: fusion gradients never reach the backbone.
     */
    static NDArray stackMaps(List<Attention.Output> layers) {
        NDList maps = new NDList(layers.size());
        for (Attention.Output a : layers) {
            maps.add(a.attention().stopGradient());
        }
        NDArray s = NDArrays.stack(maps, 2); // [B, H, L, N, N]
        long[] sh = s.getShape().getShape();
        return s.reshape(sh[0], sh[1] * sh[2], sh[3], sh[4]);
    }

    /** Splits a fused [B, N, N] map into cross-attention [B, C, hw] and patch attention [B, hw, hw]. */
    static Fused split(NDArray fused, int classTokens) {
        NDArray cross = fused.get(":, :{}, {}:", classTokens, classTokens);
        NDArray patch = fused.get(":, {}:, {}:", classTokens, classTokens);
        return new Fused(cross, patch);
    }
}
