package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.backbone.VitBackbone;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SemFormer's stage-2 segmentor (paper §3.2; peers.md §4.2; {@code SemFormerSegmentor} of the official code):
 *
 * <ol>
 *   <li>The input is zero-padded right and bottom to a multiple of the patch size.
 *   <li>A ViT with K class tokens (one per class, background included; each initialised from the pretrained class
 *       token, all sharing a copy of its position row) in front of the patch tokens; the grid position embedding is
 *       resized bicubically (by size) to the input grid; final LayerNorm on all tokens.
 *   <li>Class head: a separate {@code Linear(D → E)} per class token, then ReLU: the segmentor's CRE, [B, K, E].
 *   <li>Mask head: Dropout2d(0.5) — on [B, N, D] tokens it zeroes whole patch tokens — then {@code Linear(D → K)}
 *       on the patch tokens: the mask logits [B, K, h, w].
 * </ol>
 *
 * <p>Tensor names: the official ones, except that the class tokens and the position embedding live in the ViT
 * ({@code segmentor.backbone.model.cls_token}, {@code segmentor.backbone.model.pos_embed}); see
 * {@link SemFormerWeights}.
 */
public final class SemFormerNet {
    /** Where the ViT's tensors live (the official timm model's names). */
    public static final String BACKBONE_PREFIX = "segmentor.backbone.model.";

    private final SemFormerConfig config;
    private final VitBackbone backbone;
    private final NDArray clsHeadWeight; // [K, D, E]
    private final NDArray clsHeadBias; // [K, E]
    private final Linear segHead; // [K, D]

    /** What a forward pass hands out. */
    public record Output(
            NDArray classEmbeddings, // [B, K, E] ReLU(per-class Linear(class token k))
            NDArray logits, // [B, K, h, w] mask logits on the (padded) patch grid
            List<NDArray> attention) {} // per block [B, heads, K + N, K + N] softmax probabilities

    public SemFormerNet(Parameters p, SemFormerConfig config) {
        this.config = config;
        Parameters bp = p.scoped(BACKBONE_PREFIX);
        this.backbone = new VitBackbone(bp, new VisionTransformer(bp, config.backbone(), config.classes(),
                VisionTransformer.PositionResize.BICUBIC));
        int d = config.backbone().dim(), k = config.classes(), e = config.classDim();
        // SeparateLinear's init: kaiming_uniform(a=√5) on the [K, D, E] tensor, whose fan-in PyTorch reads as D·E;
        // bias uniform in ±1/√D
        this.clsHeadWeight = p.uniform("segmentor.cls_head.weight", 1 / Math.sqrt((double) d * e), k, d, e);
        this.clsHeadBias = p.uniform("segmentor.cls_head.bias", 1 / Math.sqrt(d), k, e);
        this.segHead = Linear.torchDefault(p, "segmentor.seg_head.1", d, k, true);
    }

    public SemFormerConfig config() {
        return config;
    }

    public VitBackbone backbone() {
        return backbone;
    }

    /**
     * @param images [B, 3, H, W] normalised; padded to multiples of the patch size
     * @param rng the mask head's Dropout2d while training; {@code null} at inference
     */
    public Output forward(NDArray images, SplittableRandom rng) {
        NDArray x = padToPatch(images, config.backbone().patch());
        VisionTransformer vit = backbone.model();
        VisionTransformer.Output o = vit.forward(x, null, null); // the official backbone has no drop path
        NDArray tokens = vit.norm(o.tokens()); // [B, K + N, D]
        int k = config.classes();
        long b = tokens.getShape().get(0), d = tokens.getShape().get(2);
        NDArray cls = tokens.get(new NDIndex(":, :{}, :", k)); // [B, K, D]
        NDArray grid = tokens.get(new NDIndex(":, {}:, :", k)); // [B, N, D]
        // per-class Linear: [B, K, 1, D] · [K, D, E] → [B, K, 1, E]
        NDArray embeddings = cls.expandDims(2).matMul(clsHeadWeight).squeeze(2).add(clsHeadBias)
                .getNDArrayInternal().relu();
        NDArray dropped = rng == null ? grid : dropTokens(grid, config.maskDropout(), rng);
        NDArray logits = segHead.forward(dropped).transpose(0, 2, 1).reshape(b, k, o.gridH(), o.gridW());
        List<NDArray> attention = new ArrayList<>(o.layers().size());
        for (Attention.Output a : o.layers()) {
            attention.add(a.attention());
        }
        return new Output(embeddings, logits, attention);
    }

    /**
     * Dropout2d on [B, N, D] tokens as PyTorch 1.7 (the official pin) applies it to a 3-D input: axis 1 is the
     * "channel", so each (image, token) row is kept with probability 1 − p and scaled by 1/(1 − p), or zeroed.
     */
    static NDArray dropTokens(NDArray tokens, float rate, SplittableRandom rng) {
        if (rate <= 0) {
            return tokens;
        }
        long b = tokens.getShape().get(0), n = tokens.getShape().get(1);
        float[] keep = new float[(int) (b * n)];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = rng.nextDouble() < rate ? 0f : 1f / (1 - rate);
        }
        NDArray mask = tokens.getManager().create(keep, new Shape(b, n, 1)).toType(tokens.getDataType(), false);
        return tokens.mul(mask);
    }

    /** Zero padding on the right and bottom to multiples of {@code patch} (official {@code patchable_pad2d}, 'corner'). */
    static NDArray padToPatch(NDArray images, int patch) {
        long b = images.getShape().get(0), c = images.getShape().get(1);
        long h = images.getShape().get(2), w = images.getShape().get(3);
        long ph = (patch - h % patch) % patch, pw = (patch - w % patch) % patch;
        NDArray x = images;
        if (pw > 0) {
            x = NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(b, c, h, pw), x.getDataType())), 3);
        }
        if (ph > 0) {
            x = NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(b, c, ph, w + pw), x.getDataType())), 2);
        }
        return x;
    }
}
