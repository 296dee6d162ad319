package dev.weaktr.weights;

import ai.djl.ndarray.NDArray;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BicubicResize;
import dev.weaktr.nn.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Initialises a model with C class tokens from a timm / DeiT / ViT ImageNet checkpoint (weaktr-spec §1.9,
 * the official {@code --finetune} path). timm's names are the model's names, so most tensors copy as they
 * are; the rules:
 * <ul>
 *   <li>{@code head.*} of the file is the ImageNet Linear classifier: dropped; the model's conv head and the
 *       AAF ({@code adaptive_attention_fusion.*}) are new and keep their random init;</li>
 *   <li>{@code cls_token (1,1,D)} is repeated C times to {@code (1,C,D)}: all class tokens start equal;</li>
 *   <li>{@code pos_embed (1,1+g0²,D)}: the class row is repeated C times, the g0×g0 patch grid is resized
 *       bicubically (align_corners False) to the model's grid g×g — by size, as DeiT's fine-tuning code does
 *       (identity when g0 = g). A distilled DeiT's second prefix row ({@code dist_token}) is left out;</li>
 *   <li>{@code dist_token}, {@code head_dist.*} and any other file key the model lacks are reported unexpected;
 *       {@code norm.*} loads (present but unused by the CAM model, spec §6.1).</li>
 * </ul>
 */
public final class PretrainedInit {
    private PretrainedInit() {}

    /**
     * Loads what fits into {@code params} and returns the report. Shape mismatches always fail; missing and
     * unexpected keys fail when {@code strict}.
     */
    public static LoadReport apply(WeightFile file, Parameters params, boolean strict) {
        Plan plan = new Plan(file, params);
        LoadReport report = plan.build();
        report.check(strict);
        params.loadSome(plan.values, plan.shapes, file.file().toString());
        return report;
    }

    /** The tensor-by-tensor decision, before anything is written into the model. */
    private static final class Plan {
        final WeightFile file;
        final Map<String, long[]> model = new LinkedHashMap<>();
        final Map<String, float[]> values = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();
        final List<String> loaded = new ArrayList<>(), adapted = new ArrayList<>(), fresh = new ArrayList<>();
        final List<String> dropped = new ArrayList<>(), missing = new ArrayList<>();
        final List<LoadReport.Key> unexpected = new ArrayList<>();
        final List<LoadReport.Mismatch> mismatched = new ArrayList<>();

        Plan(WeightFile file, Parameters params) {
            this.file = file;
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                model.put(e.getKey(), e.getValue().getShape().getShape());
            }
        }

        LoadReport build() {
            boolean classifierHead = file.has("head.weight") && file.shape("head.weight").length == 2;
            for (Map.Entry<String, long[]> e : model.entrySet()) {
                String k = e.getKey();
                boolean isNew = k.startsWith("head.") || k.startsWith("adaptive_attention_fusion.");
                if (!file.has(k) || (classifierHead && k.startsWith("head."))) {
                    (isNew ? fresh : missing).add(k);
                } else if (k.equals("cls_token")) {
                    classTokens(e.getValue());
                } else if (k.equals("pos_embed")) {
                    positionEmbedding(e.getValue());
                } else if (Arrays.equals(file.shape(k), e.getValue())) {
                    put(k, file.tensors().get(k), e.getValue());
                    loaded.add(k);
                } else {
                    mismatched.add(new LoadReport.Mismatch(k, file.shape(k), e.getValue()));
                }
            }
            for (String k : file.tensors().keySet()) {
                if (classifierHead && k.startsWith("head.")) {
                    dropped.add(k);
                } else if (!model.containsKey(k)) {
                    unexpected.add(new LoadReport.Key(k, file.shape(k)));
                }
            }
            return new LoadReport(file.file().toString(), loaded, adapted, fresh, dropped, missing, unexpected, mismatched);
        }

        private void put(String k, float[] v, long[] shape) {
            values.put(k, v);
            shapes.put(k, shape);
        }

        /** (1, t, D) -> (1, C, D): copied when t = C, repeated when t = 1. */
        private void classTokens(long[] want) {
            long[] have = file.shape("cls_token");
            int c = (int) want[1], d = (int) want[2];
            if (have.length != 3 || have[2] != d || (have[1] != c && have[1] != 1)) {
                mismatched.add(new LoadReport.Mismatch("cls_token", have, want));
            } else if (have[1] == c) {
                put("cls_token", file.tensors().get("cls_token"), want);
                loaded.add("cls_token");
            } else {
                put("cls_token", repeatRow(file.tensors().get("cls_token"), 0, c, d), want);
                adapted.add("cls_token " + LoadReport.shape(have) + " -> " + LoadReport.shape(want)
                        + ": the one class token repeated " + c + " times");
            }
        }

        /** (1, s + g0², D) -> (1, C + g², D): class row(s) then the resized grid. */
        private void positionEmbedding(long[] want) {
            long[] have = file.shape("pos_embed");
            int c = (int) want[1] - gridCells(want), d = (int) want[2];
            int fileTokens = file.has("cls_token") ? (int) file.shape("cls_token")[1] : 1;
            int prefix = fileTokens + (file.has("dist_token") ? 1 : 0);
            int g = (int) Math.round(Math.sqrt(want[1] - c));
            int cells0 = have.length == 3 ? (int) have[1] - prefix : -1;
            int g0 = (int) Math.round(Math.sqrt(Math.max(cells0, 0)));
            boolean fits = have.length == 3 && have[2] == d && cells0 > 0 && g0 * g0 == cells0
                    && (fileTokens == 1 || fileTokens == c);
            if (!fits) {
                mismatched.add(new LoadReport.Mismatch("pos_embed", have, want));
                return;
            }
            if (Arrays.equals(have, want)) {
                put("pos_embed", file.tensors().get("pos_embed"), want);
                loaded.add("pos_embed");
                return;
            }
            float[] src = file.tensors().get("pos_embed");
            float[] out = new float[(int) (want[1] * d)];
            for (int t = 0; t < c; t++) {
                int row = fileTokens == 1 ? 0 : t;
                System.arraycopy(src, row * d, out, t * d, d);
            }
            float[] grid = Arrays.copyOfRange(src, prefix * d, src.length);
            float[] resized = g == g0 ? grid : resizeGrid(grid, g0, g, d);
            System.arraycopy(resized, 0, out, c * d, resized.length);
            put("pos_embed", out, want);
            adapted.add("pos_embed " + LoadReport.shape(have) + " -> " + LoadReport.shape(want) + ": "
                    + (fileTokens == 1 ? "class row repeated " + c + " times" : "class rows kept")
                    + (prefix > fileTokens ? ", distillation row left out" : "")
                    + (g == g0 ? "" : ", " + g0 + "x" + g0 + " grid resized bicubically to " + g + "x" + g));
        }

        /** The model's grid cells: pos_embed rows minus its class tokens (from its cls_token). */
        private int gridCells(long[] posShape) {
            return (int) (posShape[1] - model.get("cls_token")[1]);
        }
    }

    /** {@code n} copies of row {@code row} of a [rows, d] matrix. */
    static float[] repeatRow(float[] src, int row, int n, int d) {
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(src, row * d, out, i * d, d);
        }
        return out;
    }

    /**
     * Bicubic resize of a [g0, g0, D] grid to [g, g, D] by output size (PyTorch {@code F.interpolate(size=...,
     * mode='bicubic', align_corners=False)}: source coordinate (i + 0.5)·g0/g − 0.5, spec §1.9).
     */
    static float[] resizeGrid(float[] grid, int g0, int g, int d) {
        float[] w = BicubicResize.weights(g0, g, (double) g / g0); // [g, g0], same weights for both axes
        float[] rows = new float[g * g0 * d]; // resize along the first axis: [g, g0, D]
        for (int i = 0; i < g; i++) {
            for (int a = 0; a < g0; a++) {
                float wa = w[i * g0 + a];
                if (wa != 0) {
                    for (int x = 0; x < g0 * d; x++) {
                        rows[i * g0 * d + x] += wa * grid[a * g0 * d + x];
                    }
                }
            }
        }
        float[] out = new float[g * g * d]; // then along the second: [g, g, D]
        for (int i = 0; i < g; i++) {
            for (int j = 0; j < g; j++) {
                for (int b = 0; b < g0; b++) {
                    float wb = w[j * g0 + b];
                    if (wb != 0) {
                        for (int x = 0; x < d; x++) {
                            out[(i * g + j) * d + x] += wb * rows[(i * g0 + b) * d + x];
                        }
                    }
                }
            }
        }
        return out;
    }
}
