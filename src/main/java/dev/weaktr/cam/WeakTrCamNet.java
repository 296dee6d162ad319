package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
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
