package dev.weaktr.afa;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.backbone.MitConfig;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Official AFA checkpoints ({@code wetr_iter_*.pth} of rulixiang/afa {@code scripts/dist_train_voc.py}: the
 * {@code WeTr} state dict, DDP {@code module.} prefix) → weaktr AFA run folders. The shape is read from the
 * tensors: the MiT widths from {@code encoder.patch_embed{i}.proj.weight}, depths from the blocks present, spatial
 * reductions from {@code encoder.block{i}.0.attn.sr.weight}, the Mix-FFN ratio from {@code fc1}, the head width
 * from {@code decoder.linear_c4.proj.weight}, the class count from {@code classifier.weight}. Attention heads are
 * not in the tensors: every published MiT (B0–B5) has {1, 2, 5, 8}, a preset of the same shape names its own; the
 * strides are AFA's {4, 2, 2, 1} (both official configs).
 */
public final class AfaCheckpoints {
    private AfaCheckpoints() {}

    /** What an import wrote. */
    public record Imported(Path run, AfaRun manifest, List<String> dropped) {}

    /**
     * @param classes the class list (background first), or null for PASCAL VOC when the file has 20 classes
     * @param backbone a MiT preset to use (its shape must match the file), or null to read it from the file
     */
    public static Imported importOfficial(Path file, Path out, ClassList classes, String backbone) {
        WeightFile w = WeightFile.read(file);
        for (String key : List.of("encoder.patch_embed1.proj.weight", "classifier.weight", "attn_proj.weight",
                "decoder.linear_pred.weight")) {
            if (!w.has(key)) {
                throw new WeaktrException(file + " is not an official AFA checkpoint (WeTr state dict): it has no '" + key
                        + "' (" + w.tensors().size() + " tensors" + (w.has("cls_token") ? "; a WeakTr/ViT checkpoint? import it"
                        + " with --kind cam or seg" : "") + ")");
            }
        }
        MitConfig mit = readMit(w);
        if (backbone != null) {
            MitConfig preset = MitConfig.preset(backbone.equals("cpu-demo") ? "mit-cpu-demo" : backbone);
            if (!sameShape(preset, mit)) {
                throw new WeaktrException(file + " holds a MiT of " + describe(mit) + " but --backbone " + backbone
                        + " is " + describe(preset));
            }
            mit = preset;
        }
        long[] cls = w.shape("classifier.weight"); // [C, D4, 1, 1]
        int c = (int) cls[0];
        if (cls.length != 4 || cls[1] != mit.dims()[3]) {
            throw new WeaktrException(file + ": classifier.weight has shape " + Arrays.toString(cls) + "; expected [C, "
                    + mit.dims()[3] + ", 1, 1]");
        }
        long pred = w.shape("decoder.linear_pred.weight")[0];
        if (pred != c + 1) {
            throw new WeaktrException(file + ": the classifier has " + c + " classes but the segmentation head "
                    + pred + " (expected C + 1 = " + (c + 1) + ")");
        }
        ClassList names = classes(w, classes, c);
        int embed = (int) w.shape("decoder.linear_c4.proj.weight")[0];
        AfaConfig net = new AfaConfig(mit, c, embed);
        List<String> dropped = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            new AfaNet(params, net);
            for (String k : w.tensors().keySet()) {
                if (!params.all().containsKey(k)) {
                    if (k.endsWith("num_batches_tracked")) {
                        dropped.add(k);
                    } else {
                        throw new WeaktrException(file + ": tensor '" + k + "' has no place in the AFA network of "
                                + describe(mit) + " (a checkpoint of another model?)");
                    }
                }
            }
            params.load(w.tensors(), w.shapes(), file.toString());
            Checkpoint.saveImported(out, params, "afa", file);
        }
        AfaRun manifest = new AfaRun(AfaRun.FORMAT, AfaRun.METHOD, mit.name(), embed, names.names(), null, null, null,
                "cpu", file.toAbsolutePath().toString(), mit);
        manifest.write(out);
        return new Imported(out, manifest, dropped);
    }

    /** The encoder's shape from its tensors (heads and strides are not stored: see the class comment). */
    static MitConfig readMit(WeightFile w) {
        int[] dims = new int[4], depths = new int[4], sr = new int[4];
        for (int i = 0; i < 4; i++) {
            String pe = "encoder.patch_embed" + (i + 1) + ".proj.weight";
            if (!w.has(pe)) {
                throw new WeaktrException(w.file() + " has no '" + pe + "': not a MiT (SegFormer) encoder with 4 stages");
            }
            dims[i] = (int) w.shape(pe)[0];
            while (w.has("encoder.block" + (i + 1) + "." + depths[i] + ".norm1.weight")) {
                depths[i]++;
            }
            if (depths[i] == 0) {
                throw new WeaktrException(w.file() + " has no blocks in MiT stage " + (i + 1));
            }
            String srKey = "encoder.block" + (i + 1) + ".0.attn.sr.weight";
            sr[i] = w.has(srKey) ? (int) w.shape(srKey)[2] : 1;
        }
        long[] fc1 = w.shape("encoder.block1.0.mlp.fc1.weight");
        int mlp = (int) (fc1[0] / dims[0]);
        int[] heads = {1, 2, 5, 8};
        int[] strides = {4, 2, 2, 1};
        for (MitConfig p : MitConfig.PRESETS) {
            MitConfig candidate = new MitConfig(p.name(), dims, depths, p.heads(), sr, strides, mlp, p.dropPath());
            if (sameShape(p, candidate)) {
                return p;
            }
        }
        return new MitConfig("mit-custom", dims, depths, heads, sr, strides, mlp, 0.1);
    }

    private static boolean sameShape(MitConfig a, MitConfig b) {
        return Arrays.equals(a.dims(), b.dims()) && Arrays.equals(a.depths(), b.depths())
                && Arrays.equals(a.srRatios(), b.srRatios()) && a.mlpRatio() == b.mlpRatio();
    }

    private static String describe(MitConfig m) {
        return "dims " + Arrays.toString(m.dims()) + ", depths " + Arrays.toString(m.depths());
    }

    private static ClassList classes(WeightFile w, ClassList given, int c) {
        if (given != null) {
            if (given.numForeground() != c) {
                throw new WeaktrException("--classes names " + given.numForeground() + " foreground classes but "
                        + w.file() + " was trained on " + c + " (classifier.weight " + Arrays.toString(w.shape("classifier.weight"))
                        + ")");
            }
            return given;
        }
        if (c == ClassList.voc().numForeground()) {
            return ClassList.voc();
        }
        throw new WeaktrException(w.file() + " was trained on " + c + " classes; give its class list with --classes FILE "
                + "(one name per line, background first, " + (c + 1) + " lines)");
    }
}
