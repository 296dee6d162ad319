package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.DropPath;
import dev.weaktr.nn.LayerNorm;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SegFormer's Mix Transformer (Xie et al. 2021), as AFA uses it (rulixiang/afa {@code wetr/mix_transformer.py}),
 * readable top to bottom: per stage an {@link PatchEmbed overlapping patch embedding}, {@link MitBlock blocks} of
 * efficient self-attention and Mix-FFN, and a final LayerNorm. Parameter names are those of the published
 * {@code mit_b*.pth} files ({@code patch_embed1.proj.weight}, {@code block1.0.attn.kv.weight},
 * {@code block1.0.mlp.dwconv.dwconv.weight}, {@code norm1.weight}, ...).
 *
 * <p>LayerNorm eps is 1e-6 in the blocks and the stage norms but PyTorch's default 1e-5 in the patch embeddings
 * and the spatial-reduction norms (peers.md §2.7: the official presets pass {@code eps=1e-6} only as
 * {@code norm_layer}).
 */
public final class MixVisionTransformer implements Backbone {
    private final MitConfig config;
    private final Parameters params;
    private final List<PatchEmbed> embeds = new ArrayList<>();
    private final List<List<MitBlock>> stages = new ArrayList<>();
    private final List<LayerNorm> norms = new ArrayList<>();

    public MixVisionTransformer(Parameters p, MitConfig config) {
        this.config = config;
        this.params = p;
        int total = config.totalDepth(), cur = 0;
        for (int s = 0; s < 4; s++) {
            int in = s == 0 ? 3 : config.dims()[s - 1];
            int kernel = s == 0 ? 7 : 3;
            embeds.add(new PatchEmbed(p, "patch_embed" + (s + 1), in, config.dims()[s], kernel, config.strides()[s]));
            List<MitBlock> blocks = new ArrayList<>();
            for (int j = 0; j < config.depths()[s]; j++, cur++) {
                // torch.linspace(0, drop_path_rate, sum(depths))[cur]
                double dpr = total == 1 ? 0 : config.dropPath() * cur / (total - 1);
                blocks.add(new MitBlock(p, "block" + (s + 1) + "." + j, config.dims()[s], config.heads()[s],
                        config.srRatios()[s], config.mlpRatio() * config.dims()[s], dpr));
            }
            stages.add(blocks);
            norms.add(new LayerNorm(p, "norm" + (s + 1), config.dims()[s], 1e-6f));
        }
    }

    public MitConfig config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int[] channels() {
        return config.dims().clone();
    }

    @Override
    public int[] strides() {
        int[] s = new int[4];
        int acc = 1;
        for (int i = 0; i < 4; i++) {
            acc *= config.strides()[i];
            s[i] = acc;
        }
        return s;
    }

    /** Stage maps c1..c4 {@code [B, dims_i, h_i, w_i]} and every block's attention logits, in block order. */
    @Override
    public Features forward(NDArray images, SplittableRandom rng) {
        List<NDArray> maps = new ArrayList<>(4);
        List<NDArray> logits = new ArrayList<>(config.totalDepth());
        NDArray x = images;
        long b = images.getShape().get(0);
        for (int s = 0; s < 4; s++) {
            NDArray map = embeds.get(s).forward(x); // [B, C, h, w] (conv output)
            int h = (int) map.getShape().get(2), w = (int) map.getShape().get(3);
            NDArray t = embeds.get(s).tokens(map); // [B, hw, C]
            for (MitBlock block : stages.get(s)) {
                MitBlock.Output o;
                if (JniUtils.isGradMode()) {
                    o = block.forward(t, h, w, rng);
                } else {
                    // no graph is being recorded (CAM passes, inference): a block's intermediates (norms, q/k/v,
                    // the softmax, the Mix-FFN's hidden maps) are freed as soon as the block ends, as PyTorch's
                    // reference counting would, instead of living until the caller's scope closes
                    try (NDScope scope = new NDScope()) {
                        o = block.forward(t, h, w, rng);
                        NDScope.unregister(o.tokens(), o.logits());
                    }
                    NDScope.register(o.tokens());
                    NDScope.register(o.logits());
                }
                t = o.tokens();
                logits.add(o.logits());
            }
            x = toMap(norms.get(s).forward(t), h, w);
            maps.add(x);
        }
        return new Features(maps, logits);
    }

    @Override
    public LoadReport loadPretrained(Path file, boolean strict) {
        return MitWeights.load(file, params, config, strict);
    }

    /** Tokens {@code [B, hw, C]} as a map {@code [B, C, h, w]}. */
    static NDArray toMap(NDArray tokens, int h, int w) {
        long b = tokens.getShape().get(0), c = tokens.getShape().get(2);
        return tokens.transpose(0, 2, 1).reshape(b, c, h, w);
    }

    /** Overlapping patch embedding: k×k conv with stride s and padding k/2, then LayerNorm (eps 1e-5) over tokens. */
    static final class PatchEmbed {
        private final Conv2d proj;
        private final LayerNorm norm;

        PatchEmbed(Parameters p, String name, int in, int dim, int kernel, int stride) {
            this.proj = new Conv2d(p, name + ".proj", in, dim, kernel, stride, kernel / 2, 1, true);
            this.norm = new LayerNorm(p, name + ".norm", dim, 1e-5f);
        }

        /** [B, in, H, W] -> [B, dim, ⌊(H−1)/s⌋+1, ⌊(W−1)/s⌋+1] (the conv, before the norm). */
        NDArray forward(NDArray x) {
            return proj.forward(x);
        }

        /** The conv output as normalised tokens [B, hw, dim]. */
        NDArray tokens(NDArray map) {
            long b = map.getShape().get(0), c = map.getShape().get(1);
            long n = map.getShape().get(2) * map.getShape().get(3);
            return norm.forward(map.reshape(b, c, n).transpose(0, 2, 1));
        }
    }

    /** {@code x += DropPath(Attn(LN1(x)))}, {@code x += DropPath(MixFFN(LN2(x)))}; both LNs eps 1e-6. */
    static final class MitBlock {
        private final LayerNorm norm1;
        private final EfficientAttention attn;
        private final LayerNorm norm2;
        private final MixFfn mlp;
        private final double dropPath;

        record Output(NDArray tokens, NDArray logits) {}

        MitBlock(Parameters p, String name, int dim, int heads, int sr, int hidden, double dropPath) {
            this.norm1 = new LayerNorm(p, name + ".norm1", dim, 1e-6f);
            this.attn = new EfficientAttention(p, name + ".attn", dim, heads, sr);
            this.norm2 = new LayerNorm(p, name + ".norm2", dim, 1e-6f);
            this.mlp = new MixFfn(p, name + ".mlp", dim, hidden);
            this.dropPath = dropPath;
        }

        Output forward(NDArray x, int h, int w, SplittableRandom rng) {
            EfficientAttention.Output a = attn.forward(norm1.forward(x), h, w);
            NDArray y = x.add(DropPath.apply(a.tokens(), dropPath, rng));
            NDArray out = y.add(DropPath.apply(mlp.forward(norm2.forward(y), h, w), dropPath, rng));
            return new Output(out, a.logits());
        }
    }

    /**
     * Efficient self-attention: queries from every token, keys and values from the map reduced by an
     * sr×sr stride-sr conv and a LayerNorm (eps 1e-5) when sr &gt; 1. Hands out the logits q·kᵀ before the
     * scale and the softmax (AFA's affinity source). The official code also average-pools the rows of the
     * logits of sr &gt; 1 stages for its visualisations; that is left out here (no method uses it).
     */
    static final class EfficientAttention {
        private final Linear q;
        private final Linear kv;
        private final Linear proj;
        private final Conv2d sr; // null when sr = 1
        private final LayerNorm srNorm;
        private final int heads;
        private final float scale;

        record Output(NDArray tokens, NDArray logits) {}

        EfficientAttention(Parameters p, String name, int dim, int heads, int srRatio) {
            this.q = new Linear(p, name + ".q", dim, dim, true);
            this.kv = new Linear(p, name + ".kv", dim, 2 * dim, true);
            this.proj = new Linear(p, name + ".proj", dim, dim, true);
            this.sr = srRatio > 1 ? new Conv2d(p, name + ".sr", dim, dim, srRatio, srRatio, 0, 1, true) : null;
            this.srNorm = srRatio > 1 ? new LayerNorm(p, name + ".norm", dim, 1e-5f) : null;
            this.heads = heads;
            this.scale = (float) Math.pow(dim / (double) heads, -0.5);
        }

        /** @param x [B, N = h·w, C] */
        Output forward(NDArray x, int h, int w) {
            long b = x.getShape().get(0), n = x.getShape().get(1), c = x.getShape().get(2);
            long hd = c / heads;
            NDArray query = q.forward(x).reshape(b, n, heads, hd).transpose(0, 2, 1, 3); // [B, H, N, hd]
            NDArray source = x;
            if (sr != null) {
                NDArray reduced = sr.forward(toMap(x, h, w)); // [B, C, h/sr, w/sr]
                long nkv = reduced.getShape().get(2) * reduced.getShape().get(3);
                source = srNorm.forward(reduced.reshape(b, c, nkv).transpose(0, 2, 1));
            }
            long nkv = source.getShape().get(1);
            NDArray kvOut = kv.forward(source).reshape(b, nkv, 2, heads, hd).transpose(2, 0, 3, 1, 4); // [2, B, H, Nkv, hd]
            NDArray key = kvOut.get(0);
            NDArray value = kvOut.get(1);
            NDArray logits = query.matMul(key.transpose(0, 1, 3, 2)); // [B, H, N, Nkv], unscaled
            NDArray attention = logits.mul(Ops.scalar(logits, scale)).softmax(-1); // not mul(float): see Ops.scalar
            NDArray out = attention.matMul(value).transpose(0, 2, 1, 3).reshape(b, n, c);
            return new Output(proj.forward(out), logits);
        }
    }

    /** Mix-FFN: fc1 → depthwise 3×3 conv (with bias) on the h×w map → GELU (exact) → fc2. */
    static final class MixFfn {
        private final Linear fc1;
        private final Conv2d dwconv;
        private final Linear fc2;

        MixFfn(Parameters p, String name, int dim, int hidden) {
            this.fc1 = new Linear(p, name + ".fc1", dim, hidden, true);
            this.dwconv = new Conv2d(p, name + ".dwconv.dwconv", hidden, hidden, 3, 1, 1, hidden, true);
            this.fc2 = new Linear(p, name + ".fc2", hidden, dim, true);
        }

        NDArray forward(NDArray x, int h, int w) {
            NDArray t = fc1.forward(x);
            long b = t.getShape().get(0), c = t.getShape().get(2);
            NDArray map = dwconv.forward(toMap(t, h, w));
            t = map.reshape(b, c, (long) h * w).transpose(0, 2, 1);
            return fc2.forward(t.getNDArrayInternal().gelu());
        }
    }
}
