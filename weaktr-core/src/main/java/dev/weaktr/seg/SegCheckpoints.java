package dev.weaktr.seg;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BlockStyle;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.RotaryEmbedding;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports the released WeakTr retraining checkpoints ({@code {'model': Segmenter state dict, ...}}, backbones-spec
 * §6.6, weaktr-spec §5.4) as a segmentation run folder that {@code segment} and {@code predict} use as it is.
 * The encoder is recognised from its keys (EVA-02: {@code attn.q_bias}, width 384 = S, 192 = Ti; DINOv2:
 * {@code ls1.gamma}); a plain ViT file fits both DeiT-S (WeakTr) and ViT-S (WeakTr†), which normalise
 * differently, so those need {@code --encoder}. Every model tensor must be in the file with its shape; the unused
 * {@code encoder.head.*} and the RoPE buffers (checked against the recomputed table) are dropped.
 */
public final class SegCheckpoints {
    private static final String ENC = "encoder.";

    private SegCheckpoints() {}

    /** What an import produced; {@code notes} are lines for the console. */
    public record Imported(Path run, SegmenterConfig net, List<String> classes, List<String> dropped, List<String> notes) {}

    /**
     * @param encoderName {@code --encoder}, or null to recognise it from the keys
     * @param classes class names (background first), or null: VOC for 21 classes, generic names otherwise
     * @param strict fail on file tensors the model has no place for (beyond the known unused ones)
     */
    public static Imported importOfficial(Path file, Path out, String encoderName, ClassList classes, boolean strict) {
        WeightFile w = WeightFile.read(file);
        requireSegCheckpoint(w);
        if (Files.exists(out.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(out + " already holds a run (" + Checkpoint.FILE + "); choose a new --out");
        }
        SegmenterConfig net = netConfig(w, encoderName);
        List<String> names = classNames(w, classes, net.numClasses());
        List<String> dropped = new ArrayList<>(), notes = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            new Segmenter(params, net);
            for (String k : w.tensors().keySet()) {
                if (params.all().containsKey(k)) {
                    continue;
                }
                if (!k.startsWith(ENC + "head.") && !k.contains("rope.freqs_")) {
                    if (strict) {
                        throw new WeaktrException("--strict: " + file + " holds tensor '" + k + "' " + LoadReport.shape(w.shape(k))
                                + " that a " + net.encoder().name() + " Segmenter has no place for");
                    }
                    notes.add("ignored tensor '" + k + "' " + LoadReport.shape(w.shape(k)) + " (no place for it in the model)");
                }
                dropped.add(k);
            }
            checkRope(w, net.encoder()).ifPresent(notes::add);
            params.load(w.tensors(), w.shapes(), file.toString());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("task", "seg");
            meta.put("imported_from", file.toAbsolutePath().toString());
            Checkpoint.save(out.resolve(Checkpoint.FILE), params, null, 0, meta);
        }
        int crop = net.encoder().imageSize();
        new SegRun(SegRun.FORMAT, net, names, SegTrainConfig.official(crop, true, 0), null, null, null,
                "imported:" + file.toAbsolutePath(), net.normalization().mean(), net.normalization().std())
                .write(out); // manifest last: the folder is complete or visibly not
        return new Imported(out, net, names, dropped, notes);
    }

    private static void requireSegCheckpoint(WeightFile w) {
        for (String k : List.of(ENC + "cls_token", ENC + "pos_embed", ENC + "patch_embed.proj.weight", "decoder.cls_emb")) {
            if (!w.has(k)) {
                throw new WeaktrException("--kind seg: " + w.file() + " has no tensor '" + k + "'; expected a WeakTr retraining checkpoint "
                        + "(encoder.* and decoder.* keys under 'model'; a CAM checkpoint imports with --kind cam)");
            }
        }
    }

    /** The encoder from the keys (or {@code --encoder}), its depth, crop (from pos_embed) and K (from cls_emb). */
    static SegmenterConfig netConfig(WeightFile w, String encoderName) {
        long[] cls = w.shape(ENC + "cls_token");
        String detected = w.has(ENC + "blocks.0.attn.q_bias") ? (cls[2] == 192 ? "eva02-tiny" : "eva02-small")
                : w.has(ENC + "blocks.0.ls1.gamma") ? "dinov2-small" : null;
        if (encoderName == null && detected == null) {
            throw new WeaktrException(w.file() + " holds a plain ViT encoder, which both DeiT-S (WeakTr) and ViT-S "
                    + "(WeakTr†) checkpoints have; say which with --encoder deit-small or --encoder vit-small "
                    + "(they normalise images differently)");
        }
        VitConfig vit = VitConfig.preset(encoderName != null ? encoderName : detected);
        BlockStyle fileStyle = detected == null ? BlockStyle.PLAIN : VitConfig.preset(detected).blocks();
        if (!vit.blocks().equals(fileStyle)) {
            String key = ENC + (fileStyle.qvBias() ? "blocks.0.attn.q_bias" : fileStyle.layerScale() ? "blocks.0.ls1.gamma"
                    : "blocks.0.mlp.fc1.weight");
            throw new WeaktrException(w.file() + " holds a " + (detected == null ? "plain ViT" : detected) + " encoder (tensor '"
                    + key + "' " + LoadReport.shape(w.shape(key)) + ") but --encoder " + vit.name() + " was given");
        }
        if (cls.length != 3 || cls[2] != vit.dim()) {
            throw new WeaktrException(w.file() + ": tensor '" + ENC + "cls_token' has shape " + LoadReport.shape(cls)
                    + " but " + vit.name() + " expects (1, 1, " + vit.dim() + ")");
        }
        long cells = w.shape(ENC + "pos_embed")[1] - 1;
        int g = (int) Math.round(Math.sqrt(cells));
        if ((long) g * g != cells) {
            throw new WeaktrException(w.file() + ": tensor '" + ENC + "pos_embed' has shape "
                    + LoadReport.shape(w.shape(ENC + "pos_embed")) + "; expected (1, 1 + g*g, D)");
        }
        int depth = 0;
        while (w.has(ENC + "blocks." + depth + ".norm1.weight")) {
            depth++;
        }
        int k = (int) w.shape("decoder.cls_emb")[1];
        return SegmenterConfig.of(vit.withImageSize(g * vit.patch()).withDepth(depth), k);
    }

    /** The file's RoPE table, when present, must match the recomputed one (backbones-spec §3.4). */
    static java.util.Optional<String> checkRope(WeightFile w, VitConfig vit) {
        String key = ENC + "rope.freqs_cos";
        if (!vit.blocks().rope() || !w.has(key)) {
            return java.util.Optional.empty();
        }
        int g = vit.gridSize();
        float[] angles = RotaryEmbedding.angles(g, g, vit.headDim());
        float[] cos = w.tensors().get(key);
        if (cos.length != angles.length) {
            throw new WeaktrException(w.file() + ": tensor '" + key + "' has shape " + LoadReport.shape(w.shape(key))
                    + " but the " + g + "x" + g + " grid's rotary table is (" + g * g + ", " + vit.headDim() + ")");
        }
        double max = 0;
        for (int i = 0; i < cos.length; i++) {
            max = Math.max(max, Math.abs(cos[i] - Math.cos(angles[i])));
        }
        if (max > 1e-4) {
            throw new WeaktrException(w.file() + ": tensor '" + key + "' differs from the recomputed rotary table by "
                    + max + "; not the EVA-02 RoPE of backbones-spec §3.4");
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT,
                "rotary table recomputed; it matches the file's '%s' within %.1e", key, max));
    }

    private static List<String> classNames(WeightFile w, ClassList given, int k) {
        if (given != null) {
            if (given.size() != k) {
                throw new WeaktrException("--classes names " + given.size() + " classes but " + w.file()
                        + " has " + k + " (tensor 'decoder.cls_emb' " + LoadReport.shape(w.shape("decoder.cls_emb")) + ")");
            }
            return given.names();
        }
        if (k == 21) {
            return ClassList.voc().names();
        }
        List<String> names = new ArrayList<>(List.of("background"));
        for (int i = 1; i < k; i++) {
            names.add("class" + i);
        }
        return names;
    }

    /**
     * Writes a retraining run's model tensors (no optimizer state) as float32 safetensors under the official
     * {@code OnlineRetraining/segm} names ({@code encoder.*}, {@code decoder.*}), so that
     * {@code model.load_state_dict(safetensors.torch.load_file(out), strict=False)} on the official
     * {@code Segmenter}/{@code MultiSegmenter} loads every tensor it uses; only the encoder's unused ImageNet
     * {@code encoder.head.*} is absent (weaktr never builds it). Returns the number of tensors written.
     *
     * @param checkpoint "best", "last", or null for the best when the run has one (else the last)
     */
    public static int export(Path run, Path out, String checkpoint) {
        SegRun manifest = SegRun.read(run);
        Path ckpt = dev.weaktr.train.BestCheckpoint.choose(run, checkpoint);
        if (!Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + ckpt.getFileName() + " (an unfinished run?)");
        }
        if (Files.isDirectory(out)) {
            throw new WeaktrException("--out " + out + " is a folder; expected a file name such as segmenter.safetensors");
        }
        dev.weaktr.io.SafeTensors.Content c = dev.weaktr.io.SafeTensors.read(ckpt);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : c.tensors().entrySet()) {
            if (!e.getKey().startsWith("optimizer.")) {
                tensors.put(e.getKey(), e.getValue());
                shapes.put(e.getKey(), c.shapes().get(e.getKey()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("weaktr_task", "seg");
        meta.put("weaktr_encoder", manifest.net().encoder().name());
        meta.put("weaktr_classes", String.join(",", manifest.classes()));
        dev.weaktr.io.SafeTensors.write(out, tensors, shapes, meta);
        return tensors.size();
    }
}
