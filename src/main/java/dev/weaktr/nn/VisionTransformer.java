package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DeiT-style ViT with {@code T} leading class tokens (T = C for WeakTr/MCTformer, 1 for a plain
 * DeiT). Parameter names follow timm: {@code cls_token [1, T, D]}, {@code pos_embed [1, T + g², D]},
 * {@code patch_embed.proj.{weight,bias}}, {@code blocks.i.*}, {@code norm.*}.
 *
 * <p>The blocks follow {@link VitConfig#blocks()}: plain (DeiT/ViT), DINOv2 (LayerScale) or EVA-02 (SwiGLU, q/v bias,
 * 2-D rotary embedding built for each forward's patch grid), backbones-spec §3.
 *
 * <p>{@link #forward} returns every block's output; WeakTr's CAM model does not apply the final
 * {@code norm} (spec §6.1), so the caller decides.
 */
public final class VisionTransformer {
    private final VitConfig config;
    private final int classTokens;
    private final NDArray distToken; // [1, 1, D] DeiT-distilled's distillation token, null otherwise
    private final int stemPatch; // patch conv kernel = stride (config.patch(), or 1 on a hybrid's CNN map)
    private final NDArray patchWeight; // [D, 3, P, P]
    private final NDArray patchBias; // [D]
    private final NDArray clsToken; // [1, T, D]
    private final NDArray posEmbed; // [1, T + g*g, D]
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final PositionResize positionResize;

    /** How the stored position grid is resized for other input sizes. */
    public enum PositionResize {
        /** WeakTr/MCTformer CAM model: bicubic with scale factor ((h+0.1)/g, (w+0.1)/g) (spec §1.1). */
        BICUBIC_SCALE_FACTOR,
        /** Segmenter's encoder: bilinear to the target size, align_corners False (spec §4.1). */
        BILINEAR,
        /** SemFormer's backbones: bicubic to the target size, align_corners False (peers.md §4.1/§4.2). */
        BICUBIC
    }

    /**
     * All tokens after the last block, every block's attention outputs, and every block's output tokens
     * ({@code blockTokens.get(i)} [B, T + hw, D], before the final norm: what DPT's hooks read).
     */
    public record Output(NDArray tokens, List<Attention.Output> layers, int gridH, int gridW, List<NDArray> blockTokens) {}

    public VisionTransformer(Parameters p, VitConfig config, int classTokens) {
        this(p, config, classTokens, PositionResize.BICUBIC_SCALE_FACTOR);
    }

    public VisionTransformer(Parameters p, VitConfig config, int classTokens, PositionResize positionResize) {
        this(p, config, classTokens, false, positionResize, 3, config.patch());
    }

    /**
     * The general form (timm's {@code VisionTransformer} with its {@code PatchEmbed} or {@code HybridEmbed}).
     *
     * @param distilled adds DeiT's distillation token {@code dist_token [1, 1, D]} after the class token(s)
     * @param stemChannels channels of what {@link #forward} is given: 3 for images, the CNN's width for a hybrid
     * @param stemPatch the patch conv's kernel and stride: {@code config.patch()} on images, 1 on a hybrid's map
     *     (whose stride already is {@code config.patch()})
     */
    public VisionTransformer(Parameters p, VitConfig config, int classTokens, boolean distilled,
            PositionResize positionResize, int stemChannels, int stemPatch) {
        this.config = config;
        this.positionResize = positionResize;
        this.classTokens = classTokens;
        this.stemPatch = stemPatch;
        int d = config.dim(), g = config.gridSize();
        int prefix = classTokens + (distilled ? 1 : 0);
        double bound = 1 / Math.sqrt((double) stemChannels * stemPatch * stemPatch); // PyTorch's default Conv2d init
        this.patchWeight = p.uniform("patch_embed.proj.weight", bound, d, stemChannels, stemPatch, stemPatch);
        this.patchBias = p.uniform("patch_embed.proj.bias", bound, d);
        // classTokens = 0: patch tokens only (SemFormer's CAAE encoder, peers.md §4.1), no cls_token tensor
        this.clsToken = classTokens > 0 ? p.truncNormal("cls_token", 0.02, 1, classTokens, d) : null;
        this.distToken = distilled ? p.truncNormal("dist_token", 0.02, 1, 1, d) : null;
        this.posEmbed = p.truncNormal("pos_embed", 0.02, 1, prefix + (long) g * g, d);
        for (int i = 0; i < config.depth(); i++) {
            double dpr = config.depth() == 1 ? 0 : config.dropPath() * i / (config.depth() - 1);
            blocks.add(new Block(p, "blocks." + i, d, config.heads(), config.mlpHidden(), true, config.layerNormEps(), dpr,
                    0f, config.blocks()));
        }
        this.norm = new LayerNorm(p, "norm", d, config.layerNormEps());
    }

    public VitConfig config() {
        return config;
    }

    public int classTokens() {
        return classTokens;
    }

    /** Tokens before the patch tokens: the class tokens plus the distillation token if any. */
    public int prefixTokens() {
        return classTokens + (distToken == null ? 0 : 1);
    }

    /**
     * @param images [B, 3, H, W] normalised; the patch conv floors H/P and W/P
     * @param rng drop-path randomness (training) or {@code null} (inference)
     */
    public Output forward(NDArray images, SplittableRandom rng, Attention.AttentionTap tap) {
        Embedded e = embed(images);
        NDArray x = e.tokens();
        int h = e.gridH(), w = e.gridW();
        List<Attention.Output> layers = new ArrayList<>(blocks.size());
        List<NDArray> blockTokens = new ArrayList<>(blocks.size());
        RotaryEmbedding.Table rope = config.blocks().rope()
                ? RotaryEmbedding.table(x.getManager(), h, w, config.headDim(), x.getDataType()) : null;
        for (Block block : blocks) {
            Block.Output o = block.forward(x, rng, tap, rope);
            layers.add(o.attention());
            x = o.tokens();
            blockTokens.add(x);
        }
        return new Output(x, layers, h, w, blockTokens);
    }

    /** Inference output of {@link #forwardStreamed}: tokens, each block's q and k (when kept), the grid. */
    public record StreamedOutput(NDArray tokens, List<Attention.Streamed> layers, int gridH, int gridW) {}

    /** Sees each block of attention probabilities of layer {@code layer} (see {@link Attention.BlockSink}). */
    @FunctionalInterface
    public interface LayerSink {
        void accept(int layer, long firstRow, NDArray probabilities); // [B, H, R, N]
    }

    /**
     * Inference in bounded memory (spec §1.6): each block runs in its own scope, its attention in blocks of
     * {@code rowBlock} query rows, so no N×N map of all heads or layers is ever held. Same tokens as
     * {@link #forward} up to float rounding.
     *
     * @param sink sees every block of attention probabilities, or {@code null}
     * @param keepKeys keep each block's attention feature, q and k in {@link StreamedOutput#layers} (else empty)
     */
    public StreamedOutput forwardStreamed(NDArray images, int rowBlock, LayerSink sink, boolean keepKeys) {
        Embedded e = embed(images);
        NDArray x = e.tokens();
        int h = e.gridH(), w = e.gridW();
        List<Attention.Streamed> layers = new ArrayList<>(blocks.size());
        RotaryEmbedding.Table rope = config.blocks().rope()
                ? RotaryEmbedding.table(x.getManager(), h, w, config.headDim(), x.getDataType()) : null;
        for (int l = 0; l < blocks.size(); l++) {
            int layer = l;
            Block.Streamed o;
            try (NDScope scope = new NDScope()) {
                o = blocks.get(l).forwardStreamed(x, rope, rowBlock,
                        sink == null ? null : (r0, p) -> sink.accept(layer, r0, p));
                NDScope.unregister(o.tokens());
                if (keepKeys) {
                    NDScope.unregister(o.attention().feature(), o.attention().q(), o.attention().k());
                }
            }
            NDScope.register(o.tokens());
            if (keepKeys) {
                NDScope.register(o.attention().feature());
                NDScope.register(o.attention().q());
                NDScope.register(o.attention().k());
                layers.add(o.attention());
            }
            if (l > 0) { // the previous block's tokens (ours, not the caller's embedding) are no longer needed
                NDScope.unregister(x);
                x.close();
            }
            x = o.tokens();
        }
        return new StreamedOutput(x, layers, h, w);
    }

    /** The attention layer of block {@code layer}. */
    public Attention attention(int layer) {
        return blocks.get(layer).attention();
    }

    private record Embedded(NDArray tokens, int gridH, int gridW) {}

    /** Patch embedding + class tokens (+ distillation token) + position embedding: [B, T + hw, D]. */
    private Embedded embed(NDArray images) {
        NDArray x = images.getNDArrayInternal()
                .convolution(images, patchWeight, patchBias, new Shape(stemPatch, stemPatch),
                        new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow(); // [B, D, h, w]
        long b = x.getShape().get(0), d = x.getShape().get(1);
        int h = (int) x.getShape().get(2), w = (int) x.getShape().get(3);
        x = x.reshape(b, d, (long) h * w).transpose(0, 2, 1); // [B, hw, D]
        NDList parts = new NDList();
        if (classTokens > 0) {
            parts.add(clsToken.broadcast(b, classTokens, d));
        }
        if (distToken != null) {
            parts.add(distToken.broadcast(b, 1, d));
        }
        parts.add(x);
        x = (parts.size() == 1 ? x : NDArrays.concat(parts, 1)).add(positionEmbedding(images, h, w));
        return new Embedded(x, h, w);
    }

    /** The final LayerNorm (unused by the WeakTr CAM model, spec §6.1). */
    public NDArray norm(NDArray tokens) {
        return norm.forward(tokens);
    }

    /**
     * Position embedding for an h×w grid (spec §1.1 {@code interpolate_pos_encoding}): unchanged when the grid
     * equals the stored one and the image is square; otherwise the patch part is bicubically resized with
     * scale factor {@code ((h + 0.1)/g, (w + 0.1)/g)}. Class-token rows are kept. Returns [1, T + hw, D].
     */
    NDArray positionEmbedding(NDArray images, int h, int w) {
        int g = config.gridSize();
        long ih = images.getShape().get(2), iw = images.getShape().get(3);
        boolean same = positionResize != PositionResize.BICUBIC_SCALE_FACTOR ? h == g && w == g
                : h * w == g * g && ih == iw;
        if (same) {
            return posEmbed;
        }
        long d = config.dim();
        int prefix = prefixTokens();
        NDArray grid = posEmbed.get(new NDIndex(":, {}:, :", prefix)).reshape(g, g, d);
        NDArray resized = switch (positionResize) {
            case BILINEAR -> BilinearResize.resize(grid.transpose(2, 0, 1), h, w).transpose(1, 2, 0);
            case BICUBIC -> BicubicResize.resize(grid, h, w, h / (double) g, w / (double) g); // by size: scale out/in
            case BICUBIC_SCALE_FACTOR -> BicubicResize.resize(grid, h, w, (h + 0.1) / g, (w + 0.1) / g);
        };
        if (prefix == 0) {
            return resized.reshape(1, (long) h * w, d);
        }
        NDArray clsPart = posEmbed.get(new NDIndex(":, :{}, :", prefix)); // [1, T, D]
        return NDArrays.concat(new NDList(clsPart, resized.reshape(1, (long) h * w, d)), 1);
    }
}
