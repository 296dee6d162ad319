package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.backbone.VitBackbone;
import dev.weaktr.nn.Block;
import dev.weaktr.nn.LayerNorm;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * SemFormer's stage 1, the Class-Aware AutoEncoder (CAAE, paper §3.1; peers.md §4.1), read top to bottom:
 *
 * <ol>
 *   <li>Encoder: a ViT over patch tokens only (no class or distillation token; grid position embedding resized
 *       bicubically to the input grid; final LayerNorm kept) gives Z {@code [B, N, D]}.
 *   <li>Class embeddings per token: {@code ReLU(Linear(D → K·E, no bias))}; summed over the tokens they are the
 *       class representation embeddings CRE {@code [B, K, E]} (paper eq. 1).
 *   <li>Class representations CRS: {@code ReLU(Embedding(K, E))}, one learned non-negative vector per class.
 *   <li>Semantic similarity {@code s_k = cos(CRE_k, CRS_k)} (paper eq. 2); for classes absent from an image the CRS
 *       enters detached, so that sample pushes only the encoder.
 *   <li>Decoder: the per-token class embeddings → {@code Linear(K·E → D, no bias)} + LayerNorm →
 *       {@code Linear(D → W)} → ViT blocks → LayerNorm → {@code Linear(W → 3·P²)} → folded to the image.
 * </ol>
 *
 * <p>Tensor names are the official state dict's ({@code ClassAwareAutoEncoder} of JLChen-C/SemFormer), except the
 * encoder's position grid, {@code encoder.vit_backbone.grid_posembed} there and
 * {@code encoder.vit_backbone.model.pos_embed} here (see {@link SemFormerWeights}).
 */
public final class ClassAwareAutoEncoder {
    /** Where the encoder's tensors live (the official names). */
    public static final String ENCODER_PREFIX = "encoder.vit_backbone.model.";

    private final CaaeConfig config;
    private final VitBackbone encoder;
    private final Linear convert; // [K·E, D], no bias
    private final Linear reConvert; // [D, K·E], no bias
    private final LayerNorm reConvertNorm;
    private final NDArray crsWeight; // [K, E]
    private final Linear mlp; // [W, D]
    private final List<Block> decoder = new ArrayList<>();
    private final LayerNorm decoderNorm;
    private final Linear decoderOut; // [3·P², W]

    /** What one training forward hands out. */
    public record Output(
            NDArray similarity, // [B, K] cos(CRE_k, CRS_k), absent classes' CRS detached
            NDArray reconstruction, // [B, 3, H, W]
            NDArray cre) {} // [B, K, E]

    public ClassAwareAutoEncoder(Parameters p, CaaeConfig config) {
        this.config = config;
        int d = config.encoder().dim(), ke = config.classes() * config.classDim(), w = config.decoderWidth();
        Parameters ep = p.scoped(ENCODER_PREFIX);
        this.encoder = new VitBackbone(ep,
                new VisionTransformer(ep, config.encoder(), 0, VisionTransformer.PositionResize.BICUBIC));
        // the scratch layers keep PyTorch's default init: the official initialize() touches only conv/BN layers
        this.convert = Linear.torchDefault(p, "convert.0", d, ke, false);
        this.reConvert = Linear.torchDefault(p, "re_convert.0", ke, d, false);
        this.reConvertNorm = new LayerNorm(p, "re_convert.1", d, 1e-5f); // nn.LayerNorm's default eps
        this.crsWeight = p.normal("crs.0.weight", 1.0, config.classes(), config.classDim()); // nn.Embedding: N(0, 1)
        this.mlp = Linear.torchDefault(p, "mlp", d, w, true);
        for (int i = 0; i < config.decoderDepth(); i++) {
            // the decoder's blocks use nn.LayerNorm (eps 1e-5), not the encoder's 1e-6
            decoder.add(new Block(p, "decoder.blocks." + i, w, config.decoderHeads(), 4 * w, true, 1e-5f, 0));
        }
        this.decoderNorm = new LayerNorm(p, "decoder.norm", w, 1e-5f);
        this.decoderOut = Linear.torchDefault(p, "decoder.mlp", w, 3 * config.patch() * config.patch(), true);
    }

    public CaaeConfig config() {
        return config;
    }

    /** The encoder behind the project's backbone interface. */
    public VitBackbone encoder() {
        return encoder;
    }

    /**
     * @param images [B, 3, H, W] normalised, H and W multiples of the patch size
     * @return Z, the patch tokens after the final LayerNorm, [B, N, D]
     */
    public NDArray tokens(NDArray images) {
        int patch = config.patch();
        long h = images.getShape().get(2), w = images.getShape().get(3);
        if (h % patch != 0 || w % patch != 0) {
            throw new WeaktrException("CAAE input " + h + "×" + w + " is not a multiple of the patch size " + patch);
        }
        NDArray map = encoder.forward(images, null).last(); // [B, D, h, w]
        long b = map.getShape().get(0), d = map.getShape().get(1);
        return map.reshape(b, d, -1).transpose(0, 2, 1);
    }

    /** Per-token class embeddings {@code ReLU(convert(Z))}, [B, N, K·E]. */
    public NDArray classEmbeddings(NDArray tokens) {
        return convert.forward(tokens).getNDArrayInternal().relu();
    }

    /** CRE: the per-token class embeddings summed over the tokens (paper eq. 1), [B, K, E]. */
    public NDArray cre(NDArray images) {
        return creFromEmbeddings(classEmbeddings(tokens(images)));
    }

    private NDArray creFromEmbeddings(NDArray perToken) {
        long b = perToken.getShape().get(0);
        return perToken.sum(new int[] {1}).reshape(b, config.classes(), config.classDim());
    }

    /** CRS: the learned class representations, non-negative, [K, E]. */
    public NDArray crs() {
        return crsWeight.getNDArrayInternal().relu();
    }

    /**
     * The training forward ({@code forward_x} of the official code).
     *
     * @param images [B, 3, H, W] normalised
     * @param labels [B, K] in {0, 1}, background (index 0) included and always 1
     */
    public Output forward(NDArray images, NDArray labels) {
        NDArray perToken = classEmbeddings(tokens(images)); // [B, N, K·E]
        NDArray cre = creFromEmbeddings(perToken);
        NDArray x = mlp.forward(reConvertNorm.forward(reConvert.forward(perToken))); // [B, N, W]
        for (Block block : decoder) {
            x = block.forward(x, null, null).tokens();
        }
        NDArray patches = decoderOut.forward(decoderNorm.forward(x)); // [B, N, 3·P²]
        NDArray reconstruction = fold(patches, images.getShape().get(2), images.getShape().get(3));
        // absent classes: the CRS enters detached (crs·y + crs.detach()·(1 − y), official forward_x)
        NDArray crs = crs().expandDims(0); // [1, K, E]
        NDArray y = labels.toType(crs.getDataType(), false).expandDims(2); // [B, K, 1]
        NDArray oneMinusY = y.neg().add(Ops.scalar(y, 1));
        NDArray crsMixed = crs.mul(y).add(crs.stopGradient().mul(oneMinusY)); // [B, K, E]
        return new Output(cosine(cre, crsMixed), reconstruction, cre);
    }

    /** F.fold with kernel = stride = P: [B, h·w, 3·P·P] (channel-major inside a patch) → [B, 3, h·P, w·P]. */
    private NDArray fold(NDArray patches, long height, long width) {
        int p = config.patch();
        long b = patches.getShape().get(0), gh = height / p, gw = width / p;
        return patches.reshape(new Shape(b, gh, gw, 3, p, p)).transpose(0, 3, 1, 4, 2, 5).reshape(b, 3, height, width);
    }

    /**
     * Cosine similarity along the last axis as the official {@code cosine_similarity(is_aligned=True)}: each side
     * divided by {@code max(‖v‖₂, 1e-8)} (F.normalize), then the dot product. {@code [..., E] × [..., E] → [...]}.
     */
    public static NDArray cosine(NDArray x, NDArray y) {
        return normalize(x).mul(normalize(y)).sum(new int[] {-1});
    }

    /**
     * x / max(‖x‖, 1e-8), written as x / sqrt(max(‖x‖², 1e-16)): the same value, and a finite gradient at x = 0
     * (a ReLU'd CRE can be all zero), where sqrt's derivative would turn the clamp's zero into NaN.
     */
    private static NDArray normalize(NDArray x) {
        NDArray norm = x.square().sum(new int[] {-1}, true).maximum(Ops.scalar(x, 1e-16)).sqrt();
        return x.div(norm);
    }
}
