package dev.weaktr.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.weaktr.nn.Block;
import dev.weaktr.nn.LayerNorm;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Segmenter's mask-transformer decoder, WeakTr's gradient clipping decoder without its loss (paper eq. 8,
 * spec §4.2): project the patch tokens, append K learned class embeddings, run decoder blocks, LayerNorm,
 * project patches and classes, L2-normalise both, masks = T̂·Q̂ᵀ, LayerNorm over the K classes.
 *
 * <p>Official code, not paper: eq. 8 divides T̂·Q̂ᵀ by √D; the code does not, and the LayerNorm over the
 * class axis that follows makes the two differ only through its epsilon. The L2 normalisation has PyTorch's
 * {@code F.normalize} epsilon (the code has none; equal for every non-zero vector). Parameter names: {@code decoder.*}.
 */
public final class MaskTransformer {
    private final Linear projDec;
    private final NDArray classEmbedding; // [1, K, D]
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm decoderNorm;
    private final NDArray projPatch; // [D, D]
    private final NDArray projClasses; // [D, D]
    private final LayerNorm maskNorm;
    private final int numClasses;

    public MaskTransformer(Parameters p, int dim, int heads, int numClasses, int layers, float dropout) {
        this.numClasses = numClasses;
        this.projDec = new Linear(p, "proj_dec", dim, dim, true);
        this.classEmbedding = p.truncNormal("cls_emb", 0.02, 1, numClasses, dim);
        for (int i = 0; i < layers; i++) {
            blocks.add(new Block(p, "blocks." + i, dim, heads, 4 * dim, true, 1e-5f, 0.0, dropout));
        }
        this.decoderNorm = new LayerNorm(p, "decoder_norm", dim, 1e-5f);
        double scale = Math.pow(dim, -0.5);
        this.projPatch = p.normal("proj_patch", scale, dim, dim);
        this.projClasses = p.normal("proj_classes", scale, dim, dim);
        this.maskNorm = new LayerNorm(p, "mask_norm", numClasses, 1e-5f);
    }

    /**
     * @param patches [B, hw, D] encoder patch tokens (class token removed)
     * @param rng dropout/drop-path while training, {@code null} at inference
     * @param everyLayer also return the masks computed from each earlier block's output (the official test-time
     *     "multi" decoder, spec §4.5)
     * @return masks [B, K, h, w], one per block when {@code everyLayer}, else only the last
     */
    public List<NDArray> forward(NDArray patches, int h, int w, SplittableRandom rng, boolean everyLayer) {
        long b = patches.getShape().get(0), d = patches.getShape().get(2);
        NDArray x = projDec.forward(patches);
        x = NDArrays.concat(new NDList(x, classEmbedding.broadcast(b, numClasses, d)), 1); // [B, hw + K, D]
        List<NDArray> masks = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, rng, null).tokens();
            if (everyLayer || i == blocks.size() - 1) {
                masks.add(masks(x, b, h, w));
            }
        }
        return masks;
    }

    /** Eq. 8: LN_K( normalize(T·Wp) · normalize(Q·Wc)ᵀ ) reshaped to [B, K, h, w]. */
    private NDArray masks(NDArray tokens, long b, int h, int w) {
        NDArray x = decoderNorm.forward(tokens);
        int hw = h * w;
        NDArray patches = l2Normalise(x.get(":, :{}, :", hw).matMul(projPatch)); // [B, hw, D]
        NDArray classes = l2Normalise(x.get(":, {}:, :", hw).matMul(projClasses)); // [B, K, D]
        NDArray m = maskNorm.forward(patches.matMul(classes.transpose(0, 2, 1))); // [B, hw, K]
        return m.transpose(0, 2, 1).reshape(b, numClasses, h, w);
    }

    /**
     * x / max(‖x‖, 1e-12) along the last axis: PyTorch's {@code F.normalize}. The official code divides by ‖x‖
     * without an epsilon; both agree for every vector longer than 1e-12, and a zero vector gives 0 here instead
     * of NaN (0/0) and a finite gradient. {@code norm}'s backward is 0 at a zero vector, where sqrt's is infinite.
     */
    static NDArray l2Normalise(NDArray x) {
        NDArray norm = x.norm(new int[] {-1}, true);
        return x.div(norm.maximum(Ops.scalar(norm, 1e-12)));
    }
}
