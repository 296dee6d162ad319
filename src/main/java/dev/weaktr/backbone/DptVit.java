package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ViT backbones of DPT (GETAM's {@code pretrained.model}): ViT-B/16, DeiT-B/16 (distilled or not) and the
 * ViT-B/16 hybrid with a {@link ResNetV2} stem, each on {@link VisionTransformer} with timm's names
 * ({@code cls_token}, {@code dist_token}, {@code pos_embed}, {@code patch_embed.proj.*},
 * {@code patch_embed.backbone.*} for the hybrid's ResNet, {@code blocks.i.*}, {@code norm.*}).
 *
 * <p>As the official {@code forward_flex}: the position grid is resized bilinearly (align_corners False) to the
 * input's patch grid on every call; the hooks read the block outputs <em>before</em> the final norm (which DPT
 * never uses), and a hybrid's first two hooks are its ResNet stage maps.
 */
public final class DptVit implements Backbone {
    private final DptVitConfig config;
    private final Parameters params;
    private final ResNetV2 resnet; // null unless hybrid
    private final VisionTransformer vit;
    private final float scale;

    /**
     * What DPT reads from one forward pass.
     *
     * @param maps per hook, a hybrid's ResNet stage map {@code [B, C_i, H/4/2^i, W/4/2^i]}, else {@code null}
     * @param tokens per hook, the block's output tokens {@code [B, T + hw, D]} (pre-norm), else {@code null}
     * @param layers every block's attention (its {@code attention()} is the post-softmax A, through the tap)
     */
    public record Taps(NDArray[] maps, NDArray[] tokens, List<Attention.Output> layers, int gridH, int gridW) {}

    public DptVit(Parameters p, DptVitConfig config) {
        this.config = config;
        this.params = p;
        this.resnet = config.hybrid() ? new ResNetV2(p.scoped("patch_embed.backbone."), config.resnet()) : null;
        int stemChannels = config.hybrid() ? config.resnet().outChannels() : 3;
        int stemPatch = config.hybrid() ? 1 : config.vit().patch();
        this.vit = new VisionTransformer(p, config.vit(), 1, config.distilled(),
                VisionTransformer.PositionResize.BILINEAR, stemChannels, stemPatch);
        this.scale = (float) Math.pow(config.vit().headDim(), -0.5);
    }

    public DptVitConfig config() {
        return config;
    }

    public VisionTransformer vit() {
        return vit;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int[] channels() {
        int d = config.vit().dim();
        return config.hybrid() ? new int[] {config.resnet().channels()[0], config.resnet().channels()[1], d, d}
                : new int[] {d, d, d, d};
    }

    @Override
    public int[] strides() {
        int p = config.vit().patch();
        return config.hybrid() ? new int[] {4, 8, p, p} : new int[] {p, p, p, p};
    }

    /**
     * @param images [B, 3, H, W] normalised, H and W multiples of 16 (32 for DPT's last reassemble)
     * @param rng drop path while training, {@code null} at inference
     * @param tap sees (and may replace) every block's post-softmax attention, in block order; {@code null} = none
     */
    public Taps taps(NDArray images, SplittableRandom rng, Attention.AttentionTap tap) {
        List<NDArray> stages = resnet == null ? null : resnet.forward(images);
        NDArray input = stages == null ? images : stages.get(stages.size() - 1);
        VisionTransformer.Output o = vit.forward(input, rng, tap);
        int[] hooks = config.hooks();
        NDArray[] maps = new NDArray[hooks.length];
        NDArray[] tokens = new NDArray[hooks.length];
        for (int i = 0; i < hooks.length; i++) {
            if (stages != null && i < 2) {
                maps[i] = stages.get(hooks[i]); // register_forward_hook on patch_embed.backbone.stages[i]
            } else {
                tokens[i] = o.blockTokens().get(hooks[i]);
            }
        }
        return new Taps(maps, tokens, o.layers(), o.gridH(), o.gridW());
    }

    /** Per hook a map (a hybrid's stage maps; for token hooks, the patch tokens as {@code [B, D, h, w]}). */
    @Override
    public Features forward(NDArray images, SplittableRandom rng) {
        Taps t = taps(images, rng, null);
        List<NDArray> maps = new ArrayList<>();
        for (int i = 0; i < t.maps().length; i++) {
            if (t.maps()[i] != null) {
                maps.add(t.maps()[i]);
            } else {
                NDArray patches = t.tokens()[i].get(new NDIndex(":, {}:, :", config.prefixTokens()));
                long b = patches.getShape().get(0), d = patches.getShape().get(2);
                maps.add(patches.transpose(0, 2, 1).reshape(b, d, t.gridH(), t.gridW()));
            }
        }
        List<NDArray> logits = new ArrayList<>(t.layers().size());
        for (Attention.Output a : t.layers()) {
            logits.add(a.scores().div(Ops.scalar(a.scores(), scale)));
        }
        return new Features(maps, logits);
    }

    /**
     * timm's published file (safetensors or .pth; timm names, e.g. {@code jx_vit_base_resnet50_384-9fd3c705.pth},
     * {@code deit_base_distilled_patch16_384-d0272ac0.pth} with its {@code model} wrapper): every backbone tensor
     * by name; a position grid of another size is resized bilinearly (align_corners False, as timm's
     * {@code resize_pos_embed}); the classifiers {@code head.*}, {@code head_dist.*}, {@code pre_logits.*} are
     * dropped. A backbone tensor absent from the file is an error.
     */
    @Override
    public LoadReport loadPretrained(Path file, boolean strict) {
        WeightFile w = WeightFile.read(file);
        String prefix = params.prefix();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> loaded = new ArrayList<>(), adapted = new ArrayList<>(), dropped = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        for (String name : params.all().keySet()) {
            String key = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
            if (key != null && !w.has(key) && !w.has("model." + key)) {
                throw new WeaktrException(file + ": no tensor '" + key + "' for backbone " + config.name()
                        + " (a file of another backbone?)");
            }
        }
        for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String key = e.getKey().substring(prefix.length());
            long[] want = e.getValue().getShape().getShape();
            String fileKey = w.has(key) ? key : w.has("model." + key) ? "model." + key : null;
            if (fileKey == null) {
                missing.add(key);
                continue;
            }
            float[] v = w.tensors().get(fileKey);
            long[] got = w.shape(fileKey);
            if (key.equals("pos_embed") && got.length == 3 && got[2] == want[2] && got[1] != want[1]) {
                v = resizeGrid(file, v, got, want);
                adapted.add(key + " (position grid resized bilinearly)");
            } else if (!java.util.Arrays.equals(got, want)) {
                mismatched.add(new LoadReport.Mismatch(key, got, want));
                continue;
            } else {
                loaded.add(key);
            }
            values.put(e.getKey(), v);
            shapes.put(e.getKey(), want);
        }
        List<LoadReport.Key> unexpected = new ArrayList<>();
        for (String k : w.tensors().keySet()) {
            String bare = k.startsWith("model.") ? k.substring(6) : k;
            if (params.all().containsKey(prefix + bare)) {
                continue;
            }
            if (bare.startsWith("head.") || bare.startsWith("head_dist.") || bare.startsWith("pre_logits.")) {
                dropped.add(bare);
            } else {
                unexpected.add(new LoadReport.Key(bare, w.shape(k)));
            }
        }
        LoadReport report = new LoadReport(file.toString(), loaded, adapted, List.of(), dropped, missing, unexpected,
                mismatched);
        report.check(strict);
        if (!missing.isEmpty()) {
            throw new WeaktrException(file + ": no tensor '" + missing.get(0) + "' for backbone " + config.name()
                    + " (" + missing.size() + " missing; a file of another backbone?)");
        }
        params.loadSome(values, shapes, file.toString());
        return report;
    }

    private float[] resizeGrid(Path file, float[] v, long[] got, long[] want) {
        int prefix = config.prefixTokens();
        int d = (int) want[2];
        int g0 = (int) Math.round(Math.sqrt(got[1] - prefix)), g = (int) Math.round(Math.sqrt(want[1] - prefix));
        if ((long) g0 * g0 + prefix != got[1] || (long) g * g + prefix != want[1]) {
            throw new WeaktrException(file + ": pos_embed of " + got[1] + " rows does not hold " + prefix + " prefix tokens and a square grid");
        }
        float[] out = new float[(int) (want[1] * d)];
        System.arraycopy(v, 0, out, 0, prefix * d);
        float[] wy = BilinearResize.weights(g0, g);
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                for (int a = 0; a < g0; a++) {
                    float fa = wy[i * g0 + a];
                    if (fa == 0) {
                        continue;
                    }
                    for (int bcol = 0; bcol < g0; bcol++) {
                        float f = fa * wy[j * g0 + bcol];
                        if (f == 0) {
                            continue;
                        }
                        int src = (prefix + a * g0 + bcol) * d, dst = (prefix + i * g + j) * d;
                        for (int c = 0; c < d; c++) {
                            out[dst + c] += f * v[src + c];
                        }
                    }
                }
            }
        }
        return out;
    }
}
