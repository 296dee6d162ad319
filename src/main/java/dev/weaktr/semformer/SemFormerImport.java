package dev.weaktr.semformer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code weaktr import --kind semformer-caae|semformer}: an official SemFormer checkpoint ({@code torch.save} of the
 * CAAE's or the SemFormer model's state dict, optionally DataParallel-prefixed {@code module.}) → a weaktr run folder
 * ({@code run.json} + {@code checkpoint.safetensors}) that {@code train --stage seg --caae} and {@code cams} accept.
 * The shape must be one of the presets (official: DeiT-B-distilled CAAE at 224 / DeiT-S segmentor; cpu-demo).
 */
public final class SemFormerImport {
    public static final String KIND_CAAE = "semformer-caae";
    public static final String KIND_SEG = "semformer";

    private SemFormerImport() {}

    /** What was imported. */
    public record Imported(Path run, String method, String model, int classes, int crop) {}

    /** @param classes the class list (background first); null = PASCAL VOC, which needs K = 21 */
    public static Imported run(Path from, String kind, Path out, ClassList classes) {
        if (Files.exists(out.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(out + " already holds a run; choose a new --out");
        }
        WeightFile f = WeightFile.read(from);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : f.tensors().entrySet()) { // DataParallel checkpoints: "module." prefix
            String k = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            values.put(k, e.getValue());
            shapes.put(k, f.shape(e.getKey()));
        }
        boolean isCaae = values.containsKey("crs.0.weight"), isSeg = values.containsKey("segmentor.cls_token");
        String src = from.toString();
        if (kind.equals(KIND_CAAE) && !isCaae) {
            throw new WeaktrException(src + ": not a SemFormer CAAE checkpoint (no 'crs.0.weight')"
                    + (isSeg ? "; it is a SemFormer segmentor checkpoint: --kind semformer" : ""));
        }
        if (kind.equals(KIND_SEG) && !isSeg) {
            throw new WeaktrException(src + ": not a SemFormer segmentor checkpoint (no 'segmentor.cls_token')"
                    + (isCaae ? "; it is a SemFormer CAAE checkpoint: --kind semformer-caae" : ""));
        }
        int k = (int) (isSeg ? shapes.get("segmentor.cls_token")[1] : shapes.get("crs.0.weight")[0]);
        ClassList names = classes != null ? classes : ClassList.voc();
        if (names.size() != k) {
            throw new WeaktrException(src + ": the checkpoint has " + k + " classes (background included) but "
                    + (classes == null ? "PASCAL VOC has " : "the class list has ") + names.size() + "; pass --classes");
        }
        String grid = isSeg ? "segmentor.backbone.grid_posembed" : "encoder.vit_backbone.grid_posembed";
        int crop = 16 * (int) Math.round(Math.sqrt(shapes.get(grid)[1]));
        String stage = isSeg ? SemFormerTrainConfig.SEG : SemFormerTrainConfig.CAAE;
        long dim = shapes.get(isSeg ? "segmentor.backbone.model.patch_embed.proj.weight"
                : "encoder.vit_backbone.model.patch_embed.proj.weight")[0];
        String model = dim == CaaeConfig.CPU_DEMO_ENCODER.dim() ? "cpu-demo" : "official";
        SemFormerTrainConfig train = SemFormerTrainConfig.official(stage, model, 0).with(null, null, crop, null);
        SemFormerRun manifest = new SemFormerRun(SemFormerRun.FORMAT, isSeg ? SemFormerRun.METHOD_SEG
                : SemFormerRun.METHOD_CAAE, names.names(), train, null, null, null, null, null);
        SemFormerWeights.Tensors t = isSeg ? SemFormerWeights.segmentorFromOfficial(values, shapes, src)
                : SemFormerWeights.caaeFromOfficial(values, shapes, src);
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            if (isSeg) {
                new SemFormerNet(p, manifest.segmentorConfig());
            } else {
                new ClassAwareAutoEncoder(p, manifest.caaeConfig());
            }
            p.load(t.values(), t.shapes(), src);
            for (String name : t.values().keySet()) {
                if (!p.all().containsKey(name)) {
                    throw new WeaktrException(src + ": tensor '" + name + "' has no place in the " + model + " SemFormer "
                            + (isSeg ? "segmentor" : "CAAE") + " (a checkpoint of another shape?)");
                }
            }
            manifest.write(out);
            Checkpoint.save(out.resolve(Checkpoint.FILE), p, null, 0, Map.of("task", manifest.method(), "imported", src));
        }
        return new Imported(out, manifest.method(), model, k, crop);
    }
}
