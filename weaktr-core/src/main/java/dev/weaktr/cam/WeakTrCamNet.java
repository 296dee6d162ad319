package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import java.util.SplittableRandom;

/**
 * WeakTr's end-to-end CAM network (paper §3.1, spec §1): a ViT with C class tokens, a 3×3 conv head
 * on the patch tokens (coarse CAM), an attention fusion (AAF or a baseline) and the fine CAM.
 *
 * <p>Official-code behaviour kept (spec §6): the final LayerNorm is not applied; the class score is the
 * plain channel mean of each class token; the coarse CAM used for fusion is ReLU'ed and detached, and
 * the attention is detached, so the fine-CAM loss trains only the fusion.
 */
public final class WeakTrCamNet {
    private final CamNetConfig config;
    private final VisionTransformer vit;
    private final NDArray headWeight; // [C, D, 3, 3]
    private final NDArray headBias; // [C]
    private final AttentionFusion fusion;

    /** What one forward pass produces. */
    public record Output(
            NDArray classTokenScores, // [B, C] logits from the class tokens
            NDArray coarseScores, // [B, C] GAP of the coarse CAM logits
            NDArray fineScores, // [B, C] GAP of the fine CAM
            NDArray fusedCam, // [B, C, h, w] ReLU(coarse) ⊙ cross-attention, before patch refinement
            NDArray fineCam, // [B, C, h, w] patch attention · fused CAM (eq. 6)
            NDArray coarseLogits, // [B, C, h, w] the head's logits, before pooling (trainable)
            int gridH,
            int gridW) {}

    public WeakTrCamNet(Parameters p, CamNetConfig config) {
        this.config = config;
        int c = config.numClasses(), d = config.backbone().dim();
        this.vit = new VisionTransformer(p, config.backbone(), c);
        double bound = 1 / Math.sqrt(d * 9.0); // PyTorch default Conv2d init (spec §1.1)
        this.headWeight = p.uniform("head.weight", bound, c, d, 3, 3);
        this.headBias = p.uniform("head.bias", bound, c);
        this.fusion = AttentionFusion.create(config.fusion(), p, config.backbone().depth(),
                config.backbone().heads(), d, config.aaf());
    }

    public CamNetConfig config() {
        return config;
    }

    public AttentionFusion fusion() {
        return fusion;
    }

    /**
     * @param images [B, 3, H, W], ImageNet-normalised
     * @param rng drop-path randomness when training, {@code null} at inference
     */
    public Output forward(NDArray images, SplittableRandom rng) {
        int c = config.numClasses();
        VisionTransformer.Output enc = vit.forward(images, rng, null);
        NDArray tokens = enc.tokens(); // [B, C + hw, D], no final norm (spec §6.1)
        long b = tokens.getShape().get(0), d = tokens.getShape().get(2);
        int h = enc.gridH(), w = enc.gridW();

        NDArray classTokenScores = tokens.get(":, :{}, :", c).mean(new int[] {2}); // spec §1.3
        NDArray patches = tokens.get(":, {}:, :", c).transpose(0, 2, 1).reshape(b, d, h, w); // [B, D, h, w]
        NDArray coarseLogits = patches.getNDArrayInternal() // eq. 1–2: CAM_coarse = Conv(Arrange(patch tokens))
                .convolution(patches, headWeight, headBias, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow(); // [B, C, h, w]
        NDArray coarseScores = Ops.mean(coarseLogits, 2, 3);
        NDArray coarseCam = coarseLogits.stopGradient().getNDArrayInternal().relu(); // spec §1.2

        AttentionFusion.Fused fused = fusion.fuse(enc.layers(), c);
        NDArray fusedCam = fused.crossAttention().reshape(b, c, h, w).mul(coarseCam); // inner term of eq. 6: CAM_coarse ⊙ ĈA
        NDArray fineCam = fineCam(fused.patchAttention(), fusedCam); // eq. 6
        NDArray fineScores = Ops.mean(fineCam, 2, 3);
        return new Output(classTokenScores, coarseScores, fineScores, fusedCam, fineCam, coarseLogits, h, w);
    }

    /**
     * Bytes of one block of attention probabilities [B, H, R, N] (float32) the streamed forward may hold. Small on
     * purpose: glibc serves blocks up to 32 MiB from memory it keeps and reuses, while each larger one is a fresh
     * mmap whose pages fault in one by one (4× the page faults with 128 MiB blocks), and a small block stays nearer
     * the caches; on the 2-core development machine smaller blocks were faster in most trials (docs/memory.md).
     */
    static final long STREAM_BLOCK_BYTES = 16L << 20;

    /**
     * Inference in bounded memory (spec §1.6): the same outputs as {@link #forward} (to float rounding), but no
     * stack of the H·L maps and no N×N map is ever held. The backbone runs with its attention in blocks of
     * query rows, collecting each map's max and mean; the fusion turns them into weights; then the
     * class→patch rows are fused, and the fine CAM (eq. 6) is computed block by block of patch rows (see
     * {@code fineCamStreamed}). Memory O(H·R·N + L·N·D) instead of O(H·L·N²).
     *
     * @param images [B, 3, H, W], ImageNet-normalised
     * @param rowBlock query rows per block; 0 = as many as fit {@link #STREAM_BLOCK_BYTES}
     */
    public Output forwardStreamed(NDArray images, int rowBlock) {
        int c = config.numClasses();
        int heads = config.backbone().heads(), depth = config.backbone().depth();
        long b = images.getShape().get(0);
        int n = c + (int) ((images.getShape().get(2) / config.backbone().patch()) * (images.getShape().get(3) / config.backbone().patch()));
        int rows = rowBlock > 0 ? rowBlock : (int) Math.max(1, Math.min(n, STREAM_BLOCK_BYTES / (4L * b * heads * n)));
        float[] max = new float[(int) b * heads * depth];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        double[] sum = new double[max.length];
        VisionTransformer.StreamedOutput enc = vit.forwardStreamed(images, rows, (layer, r0, p) -> {
            float[] bmax = Ops.max(p, 2, 3).toFloatArray(); // [B, H]
            float[] bsum = p.sum(new int[] {2, 3}).toFloatArray();
            for (int i = 0; i < bmax.length; i++) {
                int at = (i / heads) * heads * depth + (i % heads) * depth + layer; // channel head·L + layer
                max[at] = Math.max(max[at], bmax[i]);
                sum[at] += bsum[i];
            }
        }, true);
        float[] mean = new float[max.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (sum[i] / ((double) n * n));
        }
        NDArray tokens = enc.tokens();
        long d = tokens.getShape().get(2);
        int h = enc.gridH(), w = enc.gridW();
        NDArray classTokenScores = tokens.get(":, :{}, :", c).mean(new int[] {2});
        NDArray patches = tokens.get(":, {}:, :", c).transpose(0, 2, 1).reshape(b, d, h, w);
        NDArray coarseLogits = patches.getNDArrayInternal()
                .convolution(patches, headWeight, headBias, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow();
        NDArray coarseScores = Ops.mean(coarseLogits, 2, 3);
        NDArray coarseCam = coarseLogits.getNDArrayInternal().relu();

        java.util.List<NDArray> features = new java.util.ArrayList<>();
        for (Attention.Streamed a : enc.layers()) {
            features.add(a.feature());
        }
        AttentionFusion.MapWeights weights = fusion.mapWeights(
                new AttentionFusion.MapStats((int) b, heads, depth, max, mean, features), images.getManager());
        free(features.toArray(new NDArray[0])); // [B, N, D] each: not needed any more
        NDArray crossW = weights.cross().reshape(b, (long) heads * depth, 1, 1);
        // Σ_k w_k·A_k over the class-token query rows, reduced over the stacked maps as the materialised path does
        NDArray cross = fusedRows(enc, 0, c).mul(crossW).sum(new int[] {1}); // [B, C, N]
        NDArray fusedCam = cross.get(":, :, {}:", c).reshape(b, c, h, w).mul(coarseCam); // inner term of eq. 6
        NDArray fineCam = fineCamStreamed(enc, weights.patch().reshape(b, heads, depth), fusedCam, rows)
                .transpose(0, 2, 1).reshape(b, c, h, w);
        NDArray fineScores = Ops.mean(fineCam, 2, 3);
        return new Output(classTokenScores, coarseScores, fineScores, fusedCam, fineCam, coarseLogits, h, w);
    }

    /**
     * The fine CAM (eq. 6) without the fused patch→patch map: for each block of {@code rows} patch query rows,
     * the rows of every map A_k are recomputed from its layer's q and k, weighted and summed into the rows of
     * PA = Σ_k w_k·A_k (one layer's H heads at a time), and PA's patch columns are multiplied by the CAM at once.
     * Only one layer's [B, H, R, N] probabilities and the [B, R, N] sum exist at a time; nothing but the
     * [B, hw, C] result outlives a block.
     *
     * @param patchW [B, H, L] the maps' patch weights
     * @param fusedCam [B, C, h, w]
     * @return [B, hw, C]
     */
    private NDArray fineCamStreamed(VisionTransformer.StreamedOutput enc, NDArray patchW, NDArray fusedCam, int rows) {
        long[] s = fusedCam.getShape().getShape();
        long b = s[0], c = s[1], hw = s[2] * s[3];
        int heads = (int) patchW.getShape().get(1);
        long n = c + hw;
        NDArray flatCam = fusedCam.reshape(b, c, hw).transpose(0, 2, 1); // [B, hw, C]
        NDList layerW = new NDList();
        for (int l = 0; l < enc.layers().size(); l++) {
            layerW.add(patchW.get(":, :, {}", l).reshape(b, heads, 1, 1));
        }
        NDList blocks = new NDList();
        for (long r0 = c; r0 < n; r0 += rows) {
            long r1 = Math.min(n, r0 + rows);
            NDArray part;
            try (NDScope scope = new NDScope()) {
                NDArray pa = null; // [B, R, N]: rows r0..r1-1 of Σ_k w_k·A_k
                for (int l = 0; l < enc.layers().size(); l++) {
                    Attention.Streamed a = enc.layers().get(l);
                    NDArray p = vit.attention(l).probabilities(a.q(), a.k(), r0, r1); // [B, H, R, N]
                    NDArray product = p.mul(layerW.get(l));
                    NDArray weighted = product.sum(new int[] {1}); // [B, R, N]
                    free(p, product);
                    if (pa == null) {
                        pa = weighted;
                    } else {
                        pa.addi(weighted);
                        free(weighted);
                    }
                }
                part = pa.get(":, :, {}:", c).matMul(flatCam); // eq. 6 on these rows: [B, R, C]
                NDScope.unregister(part);
            }
            NDScope.register(part);
            blocks.add(part);
        }
        return blocks.size() == 1 ? blocks.get(0) : NDArrays.concat(blocks, 1);
    }

    /** Frees arrays of the current scope now rather than at its close. */
    private static void free(NDArray... arrays) {
        for (NDArray x : arrays) {
            NDScope.unregister(x);
            x.close();
        }
    }

    /** Rows r0..r1-1 of every layer-head map, stacked as in spec §1.4: [B, H·L, R, N], channel head·L + layer. */
    private NDArray fusedRows(VisionTransformer.StreamedOutput enc, long r0, long r1) {
        NDList rows = new NDList(enc.layers().size());
        for (int l = 0; l < enc.layers().size(); l++) {
            Attention.Streamed a = enc.layers().get(l);
            rows.add(vit.attention(l).probabilities(a.q(), a.k(), r0, r1)); // [B, H, R, N]
        }
        NDArray s = NDArrays.stack(rows, 2); // [B, H, L, R, N]
        long[] sh = s.getShape().getShape();
        return s.reshape(sh[0], sh[1] * sh[2], sh[3], sh[4]);
    }

    /**
     * Fine CAM, eq. 6: {@code fine[b, c, i] = Σ_j PA[b, i, j] · cam[b, c, j]}.
     *
     * @param patchAttention [B, hw, hw]
     * @param cam [B, C, h, w]
     * @return [B, C, h, w]
     */
    public static NDArray fineCam(NDArray patchAttention, NDArray cam) {
        long[] s = cam.getShape().getShape();
        NDArray flat = cam.reshape(s[0], s[1], s[2] * s[3]).transpose(0, 2, 1); // [B, hw, C]
        return patchAttention.matMul(flat).transpose(0, 2, 1).reshape(s);
    }

    /** Exposes the backbone (for tests and peer methods). */
    public VisionTransformer backbone() {
        return vit;
    }
}
