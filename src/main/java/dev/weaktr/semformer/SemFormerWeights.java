package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps the official SemFormer state dicts (JLChen-C/SemFormer) to weaktr's tensor names and back. Our names equal
 * the official ones except where the official code keeps a ViT's position grid and class tokens outside the timm
 * model (peers.md §4.1–4.2):
 *
 * <ul>
 *   <li>CAAE: {@code encoder.vit_backbone.grid_posembed} → {@code encoder.vit_backbone.model.pos_embed}. The
 *       distillation token and head ({@code model.dist_token}, {@code model.head_dist.*}) are saved by the official
 *       code but never used: dropped.
 *   <li>Segmentor: {@code segmentor.cls_token [1, K, D]} → {@code segmentor.backbone.model.cls_token}, and
 *       {@code segmentor.cls_posembed [1, K, D]} ++ {@code segmentor.backbone.grid_posembed [1, g², D]} →
 *       {@code segmentor.backbone.model.pos_embed [1, K + g², D]}. The timm model's own (unused) {@code cls_token}
 *       and {@code pos_embed} are dropped.
 * </ul>
 */
public final class SemFormerWeights {
    private SemFormerWeights() {}

    /** A name → values map and its shapes. */
    public record Tensors(Map<String, float[]> values, Map<String, long[]> shapes) {}

    /** The official CAAE state dict in weaktr's names. */
    public static Tensors caaeFromOfficial(Map<String, float[]> values, Map<String, long[]> shapes, String source) {
        String grid = "encoder.vit_backbone.grid_posembed";
        if (!values.containsKey(grid) || !values.containsKey("crs.0.weight")) {
            throw new WeaktrException(source + ": not a SemFormer CAAE checkpoint (no '" + grid + "' or 'crs.0.weight')");
        }
        Tensors out = new Tensors(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            String k = e.getKey();
            String m = ClassAwareAutoEncoder.ENCODER_PREFIX;
            if (k.equals(m + "dist_token") || k.startsWith(m + "head_dist.") || k.startsWith(m + "head.")
                    || k.equals(m + "cls_token") || k.equals(m + "pos_embed")) {
                continue; // unused by the official forward
            }
            String name = k.equals(grid) ? m + "pos_embed" : k;
            out.values().put(name, e.getValue());
            out.shapes().put(name, shapes.get(k));
        }
        return out;
    }

    /** The official SemFormer (segmentor) state dict in weaktr's names; keys of the frozen CAAE are not expected. */
    public static Tensors segmentorFromOfficial(Map<String, float[]> values, Map<String, long[]> shapes, String source) {
        String cls = "segmentor.cls_token", clsPos = "segmentor.cls_posembed", grid = "segmentor.backbone.grid_posembed";
        for (String k : new String[] {cls, clsPos, grid}) {
            if (!values.containsKey(k)) {
                throw new WeaktrException(source + ": not a SemFormer segmentor checkpoint (no '" + k + "')");
            }
        }
        String m = SemFormerNet.BACKBONE_PREFIX;
        Tensors out = new Tensors(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            String k = e.getKey();
            if (k.equals(cls) || k.equals(clsPos) || k.equals(grid) || k.equals(m + "cls_token")
                    || k.equals(m + "pos_embed") || k.startsWith(m + "head")) {
                continue;
            }
            out.values().put(k, e.getValue());
            out.shapes().put(k, shapes.get(k));
        }
        out.values().put(m + "cls_token", values.get(cls));
        out.shapes().put(m + "cls_token", shapes.get(cls));
        long[] cs = shapes.get(clsPos), gs = shapes.get(grid);
        float[] a = values.get(clsPos), b = values.get(grid);
        float[] pos = new float[a.length + b.length];
        System.arraycopy(a, 0, pos, 0, a.length);
        System.arraycopy(b, 0, pos, a.length, b.length);
        out.values().put(m + "pos_embed", pos);
        out.shapes().put(m + "pos_embed", new long[] {1, cs[1] + gs[1], cs[2]});
        return out;
    }
}
