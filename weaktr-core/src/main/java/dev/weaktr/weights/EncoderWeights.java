package dev.weaktr.weights;

import ai.djl.ndarray.NDArray;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.Npz;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BicubicResize;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.BlockStyle;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a retraining encoder from its backbone's published pretrained file (backbones-spec §6):
 * <ul>
 *   <li>AugReg ViT-S {@code .npz} (JAX names, §6.3) or timm's {@code vit_small_patch16_384.augreg_in21k_ft_in1k}
 *       safetensors (timm names);</li>
 *   <li>{@code dinov2_vits14_pretrain.pth} (§6.4) or timm's {@code vit_small_patch14_dinov2.lvd142m};</li>
 *   <li>{@code eva02_{S,Ti}_pt_in21k_p14.pt} with the state dict under {@code module} (§6.5), or timm's
 *       {@code eva02_small_patch14_224.mim_in22k} ({@code mlp.fc1}/{@code mlp.fc2} = packed {@code w12}/{@code w3},
 *       {@code fc_norm} = final norm).</li>
 * </ul>
 * Conversions (§6.2): patch kernels of another size (14) are resampled bicubically to 16×16 (align_corners False,
 * no rescaling); the position grid is resized to the encoder's grid, bicubically for ViT-S (timm 0.5.4), bilinearly
 * for DINOv2 and EVA-02; the class row is kept. RoPE tables are recomputed; {@code head.*}, {@code mask_token},
 * {@code lm_head.*}, {@code pre_logits} are dropped. Unlike the official {@code strict=False} load, EVERY encoder
 * tensor must be filled: a missing one is an error naming it (§8.4).
 */
public final class EncoderWeights {
    private static final List<String> DROPPED = List.of("head.", "mask_token", "lm_head.", "pre_logits", "rope.", "k_bias");

    private EncoderWeights() {}

    /**
     * Loads {@code file} into the encoder tensors {@code prefix + name} of {@code params} (e.g. {@code encoder.}).
     * Unexpected file tensors are reported, and fail when {@code strict}.
     */
    public static LoadReport load(Path file, Parameters params, String prefix, VitConfig encoder, boolean strict) {
        WeightFile raw = Npz.looksLikeNpz(file) ? Npz.read(file) : WeightFile.read(file);
        Map<String, String> absent = Map.of();
        WeightFile weights = raw;
        if (AugRegNames.applies(raw)) {
            AugRegNames c = AugRegNames.convert(raw);
            absent = c.absent;
            weights = c.asWeightFile();
        } else if (raw.format().equals("npz")) {
            throw new WeaktrException(file + ": .npz without the AugReg ViT arrays (expected 'embedding/kernel', "
                    + "'Transformer/encoderblock_0/...'); it holds " + first(raw.tensors().keySet()));
        }
        weights = timmEvaNames(weights);
        checkFamily(weights, encoder);
        Plan plan = new Plan(weights, params, prefix, encoder, absent);
        LoadReport report = plan.build();
        plan.requireComplete();
        report.check(strict);
        params.loadSome(plan.values, plan.shapes, file.toString());
        return report;
    }

    private static String first(java.util.Collection<String> keys) {
        return keys.isEmpty() ? "no arrays" : keys.size() + " arrays, e.g. '" + keys.iterator().next() + "'";
    }

    /** timm's EVA names → the official ones: {@code mlp.fc1}→{@code mlp.w12}, {@code mlp.fc2}→{@code mlp.w3}, {@code fc_norm}→{@code norm}. */
    static WeightFile timmEvaNames(WeightFile f) {
        boolean eva = f.has("blocks.0.attn.q_bias") && f.has("blocks.0.mlp.fc1.weight") && !f.has("blocks.0.mlp.w12.weight");
        if (!eva && !f.has("fc_norm.weight")) {
            return f;
        }
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> s = new LinkedHashMap<>();
        for (String k : f.tensors().keySet()) {
            String n = k.startsWith("fc_norm.") && !f.has("norm.weight") ? k.substring(3) : k;
            if (eva) {
                n = n.replace(".mlp.fc1.", ".mlp.w12.").replace(".mlp.fc2.", ".mlp.w3.");
            }
            t.put(n, f.tensors().get(k));
            s.put(n, f.shape(k));
        }
        return new WeightFile(f.file(), f.format() + " (timm EVA names converted)", t, s, f.metadata());
    }

    /** A file for another backbone than the encoder: one clear message naming the telling key. */
    static void checkFamily(WeightFile f, VitConfig encoder) {
        String fileFamily = f.has("blocks.0.attn.q_bias") ? "EVA-02" : f.has("blocks.0.ls1.gamma") ? "DINOv2"
                : f.has("blocks.0.mlp.fc1.weight") ? "ViT" : null;
        BlockStyle s = encoder.blocks();
        String want = s.qvBias() ? "EVA-02" : s.layerScale() ? "DINOv2" : "ViT";
        if (fileFamily != null && !fileFamily.equals(want)) {
            String key = fileFamily.equals("EVA-02") ? "blocks.0.attn.q_bias" : fileFamily.equals("DINOv2")
                    ? "blocks.0.ls1.gamma" : "blocks.0.mlp.fc1.weight";
            throw new WeaktrException(f.file() + " holds " + fileFamily + " weights (tensor '" + key + "' "
                    + LoadReport.shape(f.shape(key)) + ") but --encoder " + encoder.name() + " needs " + want
                    + " weights; pass the matching --encoder or file");
        }
    }

    /** The decision per tensor, before anything is written. */
    private static final class Plan {
        final WeightFile file;
        final String prefix;
        final VitConfig encoder;
        final Map<String, String> absent;
        final Map<String, long[]> model = new LinkedHashMap<>();
        final Map<String, float[]> values = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();
        final List<String> loaded = new ArrayList<>(), adapted = new ArrayList<>(), dropped = new ArrayList<>();
        final List<String> missing = new ArrayList<>();
        final List<LoadReport.Key> unexpected = new ArrayList<>();
        final List<LoadReport.Mismatch> mismatched = new ArrayList<>();

        Plan(WeightFile file, Parameters params, String prefix, VitConfig encoder, Map<String, String> absent) {
            this.file = file;
            this.prefix = prefix;
            this.encoder = encoder;
            this.absent = absent;
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    model.put(e.getKey().substring(prefix.length()), e.getValue().getShape().getShape());
                }
            }
        }

        LoadReport build() {
            for (Map.Entry<String, long[]> e : model.entrySet()) {
                String k = e.getKey();
                long[] want = e.getValue();
                if (!file.has(k)) {
                    missing.add(k);
                } else if (k.equals("patch_embed.proj.weight") && !Arrays.equals(file.shape(k), want)) {
                    patchKernel(want);
                } else if (k.equals("pos_embed") && !Arrays.equals(file.shape(k), want)) {
                    positionEmbedding(want);
                } else if (Arrays.equals(file.shape(k), want)) {
                    put(k, file.tensors().get(k), want);
                    loaded.add(k);
                } else {
                    mismatched.add(new LoadReport.Mismatch(k, file.shape(k), want));
                }
            }
            for (String k : file.tensors().keySet()) {
                if (model.containsKey(k)) {
                    continue;
                }
                if (DROPPED.stream().anyMatch(d -> k.startsWith(d) || k.contains("." + d) || k.contains("rope.freqs"))) {
                    dropped.add(k);
                } else {
                    unexpected.add(new LoadReport.Key(k, file.shape(k)));
                }
            }
            return new LoadReport(file.file().toString(), loaded, adapted, List.of(), dropped, missing, unexpected, mismatched);
        }

        /** Every encoder tensor must come from the file (backbones-spec §8.4); the first gap is named. */
        void requireComplete() {
            if (!mismatched.isEmpty()) {
                LoadReport.Mismatch m = mismatched.get(0);
                throw new WeaktrException(file.file() + ": tensor '" + m.name() + "' has shape " + LoadReport.shape(m.fileShape())
                        + " but --encoder " + encoder.name() + " expects " + LoadReport.shape(m.modelShape()) + " ("
                        + mismatched.size() + " mismatched in all; weights of another model size?)");
            }
            if (!missing.isEmpty()) {
                String k = missing.get(0);
                String src = absent.containsKey(k) ? "array '" + absent.get(k) + "' (for '" + k + "')" : "tensor '" + k + "'";
                throw new WeaktrException(file.file() + " has no " + src + " of shape " + LoadReport.shape(model.get(k))
                        + " that --encoder " + encoder.name() + " needs (" + missing.size() + " encoder tensors missing in all;"
                        + " a file for another backbone, or a truncated one?)");
            }
        }

        private void put(String k, float[] v, long[] shape) {
            values.put(prefix + k, v);
            shapes.put(prefix + k, shape);
        }

        /** (D, 3, p0, p0) → (D, 3, P, P) by bicubic resampling (EVA's 14→16 recipe, §6.2). */
        private void patchKernel(long[] want) {
            long[] have = file.shape("patch_embed.proj.weight");
            if (have.length != 4 || have[0] != want[0] || have[1] != want[1] || have[2] != have[3]) {
                mismatched.add(new LoadReport.Mismatch("patch_embed.proj.weight", have, want));
                return;
            }
            int p0 = (int) have[2], p = (int) want[2];
            float[] w = BicubicResize.weights(p0, p, (double) p / p0);
            put("patch_embed.proj.weight", Grids.resizePlanes(file.tensors().get("patch_embed.proj.weight"),
                    (int) (have[0] * have[1]), p0, p0, w, p, w, p), want);
            adapted.add("patch_embed.proj.weight " + LoadReport.shape(have) + " -> " + LoadReport.shape(want)
                    + ": kernel resampled bicubically " + p0 + "x" + p0 + " -> " + p + "x" + p);
        }

        /** (1, 1 + g0², D) → (1, 1 + g², D): class row kept, grid bicubic (ViT-S) or bilinear (DINOv2, EVA-02). */
        private void positionEmbedding(long[] want) {
            long[] have = file.shape("pos_embed");
            long d = want[2];
            int g0 = have.length == 3 ? (int) Math.round(Math.sqrt(have[1] - 1)) : -1;
            int g = (int) Math.round(Math.sqrt(want[1] - 1));
            if (have.length != 3 || have[2] != d || (long) g0 * g0 != have[1] - 1) {
                mismatched.add(new LoadReport.Mismatch("pos_embed", have, want));
                return;
            }
            boolean bicubic = !encoder.blocks().layerScale() && !encoder.blocks().qvBias();
            float[] w = bicubic ? BicubicResize.weights(g0, g, (double) g / g0) : BilinearResize.weights(g0, g);
            float[] src = file.tensors().get("pos_embed");
            float[] grid = Grids.resizeCellsLast(Arrays.copyOfRange(src, (int) d, src.length), g0, g0, (int) d, w, g, w, g);
            float[] out = new float[(int) (want[1] * d)];
            System.arraycopy(src, 0, out, 0, (int) d);
            System.arraycopy(grid, 0, out, (int) d, grid.length);
            put("pos_embed", out, want);
            adapted.add("pos_embed " + LoadReport.shape(have) + " -> " + LoadReport.shape(want) + ": " + g0 + "x" + g0
                    + " grid resized " + (bicubic ? "bicubically" : "bilinearly") + " to " + g + "x" + g + ", class row kept");
        }
    }
}
