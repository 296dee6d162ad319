package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BicubicResize;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ImageNet initialisation of SemFormer's two ViTs from a timm / DeiT checkpoint (the official {@code ViTBackbone}
 * with {@code pretrained=True}; peers.md §4.1–4.2):
 *
 * <ul>
 *   <li>CAAE encoder (DeiT-B distilled): the class and distillation tokens and their position rows are dropped;
 *       the patch grid of {@code pos_embed} is kept (resized when the AE input differs from the file's grid).
 *   <li>Segmentor (DeiT-S): the K class tokens are K copies of the file's class token, their position rows K copies
 *       of its class row; the grid is resized to the training crop's (14×14 → 28×28 at 448).
 * </ul>
 *
 * Grid resizing is the official {@code resize_pos_meb}: bicubic to the new size, align_corners False. The file's
 * classifier heads are dropped; every other ViT tensor must be in the file with the model's shape.
 */
public final class SemFormerPretrained {
    private SemFormerPretrained() {}

    /** Fills the CAAE encoder's tensors; returns a one-line summary. */
    public static String caae(WeightFile file, Parameters p, CaaeConfig cfg) {
        return load(file, p, ClassAwareAutoEncoder.ENCODER_PREFIX, cfg.encoder(), 0);
    }

    /** Fills the segmentor's ViT tensors (K class tokens); returns a one-line summary. */
    public static String segmentor(WeightFile file, Parameters p, SemFormerConfig cfg) {
        return load(file, p, SemFormerNet.BACKBONE_PREFIX, cfg.backbone(), cfg.classes());
    }

    private static String load(WeightFile file, Parameters p, String prefix, VitConfig vit, int classTokens) {
        String src = file.file().toString();
        if (!file.has("pos_embed") || !file.has("patch_embed.proj.weight")) {
            throw new WeaktrException(src + ": not a ViT/DeiT checkpoint (no 'pos_embed' / 'patch_embed.proj.weight')");
        }
        int prefixRows = (file.has("cls_token") ? 1 : 0) + (file.has("dist_token") ? 1 : 0);
        long[] ps = file.shape("pos_embed");
        long d = ps[2];
        int g0 = (int) Math.round(Math.sqrt(ps[1] - prefixRows));
        if ((long) g0 * g0 != ps[1] - prefixRows) {
            throw new WeaktrException(src + ": pos_embed " + new Shape(ps) + " has no square grid after " + prefixRows
                    + " token rows");
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int dropped = 0;
        for (Map.Entry<String, float[]> e : file.tensors().entrySet()) {
            String k = e.getKey();
            if (k.equals("cls_token") || k.equals("dist_token") || k.equals("pos_embed") || k.startsWith("head")
                    || k.startsWith("pre_logits")) {
                dropped += k.startsWith("head") || k.equals("dist_token") ? 1 : 0;
                continue;
            }
            values.put(prefix + k, e.getValue());
            shapes.put(prefix + k, file.shape(k));
        }
        float[] pos = file.tensors().get("pos_embed");
        int g = vit.gridSize();
        float[] grid = resizeGrid(p.manager(), java.util.Arrays.copyOfRange(pos, (int) (prefixRows * d), pos.length), g0, g,
                (int) d);
        float[] out = new float[(int) ((classTokens + (long) g * g) * d)];
        if (classTokens > 0) {
            if (!file.has("cls_token")) {
                throw new WeaktrException(src + ": no 'cls_token' to initialise the " + classTokens + " class tokens from");
            }
            float[] cls = file.tensors().get("cls_token");
            float[] tokens = new float[(int) (classTokens * d)];
            for (int c = 0; c < classTokens; c++) {
                System.arraycopy(cls, 0, tokens, (int) (c * d), (int) d); // every class token starts as the cls token
                System.arraycopy(pos, 0, out, (int) (c * d), (int) d); // and shares its position row
            }
            values.put(prefix + "cls_token", tokens);
            shapes.put(prefix + "cls_token", new long[] {1, classTokens, d});
        }
        System.arraycopy(grid, 0, out, (int) (classTokens * d), grid.length);
        values.put(prefix + "pos_embed", out);
        shapes.put(prefix + "pos_embed", new long[] {1, classTokens + (long) g * g, d});
        for (String k : p.all().keySet()) {
            if (k.startsWith(prefix) && !values.containsKey(k)) {
                throw new WeaktrException(src + ": missing tensor '" + k.substring(prefix.length()) + "' for the "
                        + vit.name() + " ViT (is it a checkpoint of another depth?)");
            }
        }
        p.loadSome(values, shapes, src);
        return String.format(java.util.Locale.ROOT, "pretrained %s: %d tensors loaded, position grid %d×%d → %d×%d, "
                + "%d class token(s) from the file's cls token, %d head/distillation tensors dropped", src, values.size(), g0, g0,
                g, g, classTokens, dropped);
    }

    /** [g0·g0, D] → [g·g, D], bicubic by size (align_corners False), identity when g0 = g. */
    private static float[] resizeGrid(NDManager parent, float[] grid, int g0, int g, int d) {
        if (g0 == g) {
            return grid;
        }
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.create(grid, new Shape(g0, g0, d));
            return BicubicResize.resize(a, g, g, g / (double) g0, g / (double) g0).toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }
}
