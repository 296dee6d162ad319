package dev.weaktr.cam;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CAM run folders to and from the official WeakTr checkpoint layout (weaktr-spec §5.4): the state dict of
 * {@code checkpoint_best_mIoU.pth} uses exactly the names weaktr's parameters carry, so import and export
 * are a shape check plus a manifest.
 */
public final class CamCheckpoints {
    private static final String FEAT_FFN = "adaptive_attention_fusion.attn_feat_ffn.0.weight";
    private static final String HEAD_FFN = "adaptive_attention_fusion.attn_head_ffn.0.weight";

    private CamCheckpoints() {}

    /**
     * How to read an official checkpoint.
     *
     * @param backbone the ViT preset (its grid is taken from the file's {@code pos_embed})
     * @param fusion "auto" (aaf-feat when {@code attn_feat_ffn} keys exist, else aaf; mean-sum without AAF keys),
     *     or a fusion name
     * @param pool AAF pooling (not recorded in a state dict; the official docs train with "max")
     * @param classes the class list (background first), or null for PASCAL VOC when the file has 20 class tokens
     * @param strict fail on file tensors the model has no place for
     */
    public record ImportOptions(VitConfig backbone, String fusion, String pool, ClassList classes, boolean strict) {}

    /** What an import produced. */
    public record Imported(Path run, CamNetConfig net, List<String> classes, List<String> unexpected) {}

    /** Turns an official WeakTr CAM checkpoint (.pth or safetensors) into a run folder that {@code cams} accepts. */
    public static Imported importOfficial(Path file, Path out, ImportOptions options) {
        WeightFile w = WeightFile.read(file);
        requireCamCheckpoint(w);
        if (Files.exists(out.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(out + " already holds a run (" + Checkpoint.FILE + "); choose a new --out");
        }
        CamNetConfig net = netConfig(w, options);
        ClassList classes = classes(w, options.classes(), net.numClasses());
        List<String> unexpected = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            new WeakTrCamNet(params, net);
            for (String k : w.tensors().keySet()) {
                if (!params.all().containsKey(k)) {
                    unexpected.add(k);
                }
            }
            if (options.strict() && !unexpected.isEmpty()) {
                throw new WeaktrException("--strict: " + file + " holds tensor '" + unexpected.get(0) + "' "
                        + Arrays.toString(w.shape(unexpected.get(0))) + " that a " + net.backbone().name() + " / "
                        + net.fusion() + " CAM model has no place for (" + unexpected.size() + " unexpected in all)");
            }
            params.load(w.tensors(), w.shapes(), file.toString());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("task", "cam");
            meta.put("fusion", net.fusion());
            meta.put("imported_from", file.toAbsolutePath().toString());
            Checkpoint.save(out.resolve(Checkpoint.FILE), params, null, 0, meta);
        }
        new CamRun(CamRun.FORMAT, Version.VERSION, net, classes.names(), null, null, null, "cpu",
                file.toAbsolutePath().toString()).write(out); // manifest last: the folder is complete or visibly not
        return new Imported(out, net, classes.names(), unexpected);
    }

    private static void requireCamCheckpoint(WeightFile w) {
        if (w.tensors().keySet().stream().anyMatch(k -> k.startsWith("encoder.") || k.startsWith("decoder."))) {
            throw new WeaktrException(w.file() + " is a segmentation (retraining-stage) checkpoint (encoder./decoder. keys); "
                    + "import it with --kind seg");
        }
        for (String k : List.of("cls_token", "pos_embed", "head.weight")) {
            if (!w.has(k)) {
                throw new WeaktrException(w.file() + " has no tensor '" + k + "'; expected an official WeakTr CAM checkpoint "
                        + "(cls_token (1,C,D), pos_embed (1,C+g*g,D), head.weight (C,D,3,3), ...)");
            }
        }
        if (w.shape("head.weight").length != 4 || w.shape("cls_token").length != 3) {
            throw new WeaktrException(w.file() + ": tensor 'head.weight' has shape " + Arrays.toString(w.shape("head.weight"))
                    + " but a WeakTr CAM checkpoint has (C, D, 3, 3); an ImageNet classifier? Start training from it "
                    + "with train-cam --pretrained instead");
        }
    }

    /** C from cls_token, the grid from pos_embed, the fusion and AAF widths from the AAF tensors. */
    static CamNetConfig netConfig(WeightFile w, ImportOptions o) {
        long[] cls = w.shape("cls_token");
        int c = (int) cls[1];
        VitConfig vit = o.backbone();
        if (cls[2] != vit.dim()) {
            throw new WeaktrException(w.file() + ": tensor 'cls_token' has shape " + Arrays.toString(cls)
                    + " but --model " + vit.name() + " expects [1, " + c + ", " + vit.dim() + "]");
        }
        long cells = w.shape("pos_embed")[1] - c;
        int g = (int) Math.round(Math.sqrt(cells));
        if (g * (long) g != cells) {
            throw new WeaktrException(w.file() + ": tensor 'pos_embed' has shape " + Arrays.toString(w.shape("pos_embed"))
                    + "; expected [1, C + g*g, D] with C = " + c + " (from cls_token)");
        }
        vit = vit.withImageSize(g * vit.patch());
        String fusion = o.fusion().equals("auto")
                ? w.has(FEAT_FFN) ? "aaf-feat" : w.has(HEAD_FFN) ? "aaf" : "mean-sum"
                : o.fusion();
        if (!AttentionFusion.NAMES.contains(fusion)) {
            throw new WeaktrException("unknown --fusion '" + fusion + "'; expected auto or one of " + AttentionFusion.NAMES);
        }
        AafConfig aaf = AafConfig.DEFAULT;
        if (w.has(HEAD_FFN)) {
            long[] head = w.shape(HEAD_FFN); // [L·H / r, L·H]
            double featReduction = w.has(FEAT_FFN)
                    ? reduction((int) w.shape(FEAT_FFN)[1], (int) w.shape(FEAT_FFN)[0]) : AafConfig.DEFAULT.featReduction();
            aaf = new AafConfig(reduction((int) head[1], (int) head[0]), featReduction, o.pool());
        } else {
            aaf = new AafConfig(aaf.reduction(), aaf.featReduction(), o.pool());
        }
        return new CamNetConfig(vit, c, fusion, aaf);
    }

    /** A reduction r with int(channels / r) = hidden (spec §1.5's width rule). */
    static double reduction(int channels, int hidden) {
        double r = channels / (double) hidden;
        return (int) (channels / r) == hidden ? r : channels / (hidden + 0.5);
    }

    private static ClassList classes(WeightFile w, ClassList given, int c) {
        if (given != null) {
            if (given.numForeground() != c) {
                throw new WeaktrException("--classes names " + given.numForeground() + " foreground classes but "
                        + w.file() + " has " + c + " class tokens (cls_token " + Arrays.toString(w.shape("cls_token")) + ")");
            }
            return given;
        }
        if (c == ClassList.voc().numForeground()) {
            return ClassList.voc();
        }
        throw new WeaktrException(w.file() + " has " + c + " class tokens; give its class list with --classes FILE "
                + "(one name per line, background first, " + (c + 1) + " lines)");
    }

    /**
     * Writes the model tensors of a CAM run (no optimizer state) under their official names as float32
     * safetensors, loadable by {@code model.load_state_dict(safetensors.torch.load_file(out))}. Returns the
     * number of tensors written.
     */
    public static int export(Path run, Path out) {
        CamRun manifest = CamRun.read(run);
        Path ckpt = run.resolve(Checkpoint.FILE);
        if (!Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + Checkpoint.FILE + " (an unfinished run?)");
        }
        if (Files.isDirectory(out)) {
            throw new WeaktrException("--out " + out + " is a folder; expected a file name such as model.safetensors");
        }
        SafeTensors.Content c = SafeTensors.read(ckpt);
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
        meta.put("weaktr_task", "cam");
        meta.put("weaktr_model", manifest.net().backbone().name());
        meta.put("weaktr_fusion", manifest.net().fusion());
        meta.put("weaktr_classes", String.join(",", manifest.classes()));
        SafeTensors.write(out, tensors, shapes, meta);
        return tensors.size();
    }
}
