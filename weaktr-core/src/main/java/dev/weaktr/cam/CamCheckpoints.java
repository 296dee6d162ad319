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
    /** The paper version's (56ba7d6) names of the same head FFN: {@code AAF.fc = Sequential(Linear, ReLU, Linear, Sigmoid)}. */
    private static final Map<String, String> V1_NAMES = Map.of(
            "adaptive_attention_fusion.fc.0.weight", HEAD_FFN,
            "adaptive_attention_fusion.fc.2.weight", "adaptive_attention_fusion.attn_head_ffn.2.weight");
    /** Where the official RandWeight training leaves its fixed query (main.py: output_dir/query.npy). */
    public static final String QUERY_FILE = "query.npy";

    private CamCheckpoints() {}

    /**
     * How to read an official checkpoint.
     *
     * @param backbone the ViT preset (its grid is taken from the file's {@code pos_embed})
     * @param fusion "auto" (recognised from the tensor names, see {@link #layout}) or a fusion name
     * @param pool AAF pooling (not recorded in a state dict): avg | max | auto (a weaktr export's recorded pooling;
     *     else avg for the paper version, whose code default and docs use it; max otherwise, as the newest docs train)
     * @param classes the class list (background first), or null for PASCAL VOC when the file has 20 class tokens
     * @param ignoreUnused drop file tensors the model has no place for instead of failing on them
     * @param query aaf-rand's fixed query (.npy, [1, K·H]) when the file does not hold it; null = the file's
     *     {@code adaptive_attention_fusion.query}, else {@value #QUERY_FILE} beside the checkpoint
     */
    public record ImportOptions(VitConfig backbone, String fusion, String pool, ClassList classes, boolean ignoreUnused,
            Path query) {
        public ImportOptions(VitConfig backbone, String fusion, String pool, ClassList classes, boolean ignoreUnused) {
            this(backbone, fusion, pool, classes, ignoreUnused, null);
        }
    }

    /**
     * What an import produced.
     *
     * @param layout the checkpoint layout recognised (see {@link #layout})
     * @param unexpected tensors dropped with {@code ignoreUnused}, or known to be unused by the layout (aaf-rand's
     *     feature FFN, which the official RandWeight model constructs but never calls)
     */
    public record Imported(Path run, CamNetConfig net, List<String> classes, List<String> unexpected, String layout) {}

    /**
     * Recognises an official CAM checkpoint from its tensor names (spec §0):
     * <ul>
     *   <li>{@code adaptive_attention_fusion.query}: weaktr's aaf-rand (query stored in the file);
     *   <li>{@code adaptive_attention_fusion.fc.{0,2}.weight}: the paper version (56ba7d6) → aaf;
     *   <li>{@code attn_feat_ffn} + {@code attn_head_ffn}: the newest code (V3, or V2's AAF_AttnFeat) → aaf-feat, or
     *       aaf-rand when the official RandWeight's {@value #QUERY_FILE} lies beside the checkpoint (its state dict is
     *       otherwise the same);
     *   <li>{@code attn_head_ffn} only: V2's map-pooling AAF (991221f) → aaf;
     *   <li>no AAF tensors: an MCTformer-V2 / mean-sum model → mean-sum.
     * </ul>
     * Returns {fusion, description}.
     */
    static String[] layout(WeightFile w) {
        if (w.has(AafRandFusion.QUERY)) {
            return new String[] {"aaf-rand", "weaktr aaf-rand (query in the file)"};
        }
        if (V1_NAMES.keySet().stream().anyMatch(w::has)) {
            return new String[] {"aaf", "paper version 56ba7d6 (AAF.fc, pooled attention maps)"};
        }
        if (w.has(FEAT_FFN)) {
            Path beside = w.file().toAbsolutePath().resolveSibling(QUERY_FILE);
            return Files.isRegularFile(beside)
                    ? new String[] {"aaf-rand", "newest code, AAF_RandWeight (" + QUERY_FILE + " beside the checkpoint)"}
                    : new String[] {"aaf-feat", "newest code (AAF.attn_feat_ffn, pooled attention features)"};
        }
        if (w.has(HEAD_FFN)) {
            return new String[] {"aaf", "map-pooling AAF with attn_head_ffn names (991221f)"};
        }
        return new String[] {"mean-sum", "no AAF tensors (MCTformer-V2 / mean-sum)"};
    }

    /** Turns an official WeakTr CAM checkpoint (.pth or safetensors) into a run folder that {@code cams} accepts. */
    public static Imported importOfficial(Path file, Path out, ImportOptions options) {
        WeightFile w = WeightFile.read(file);
        requireCamCheckpoint(w);
        if (Files.exists(out.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(out + " already holds a run (" + Checkpoint.FILE + "); choose a new --out");
        }
        String[] layout = layout(w);
        CamNetConfig net = netConfig(w, options);
        ClassList classes = classes(w, options.classes(), net.numClasses());
        // the tensors under weaktr's names: V1's AAF.fc renamed, aaf-rand's query added from its .npy
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, String> fileName = new LinkedHashMap<>(); // our name -> the file's, for messages
        for (String k : w.tensors().keySet()) {
            String name = V1_NAMES.getOrDefault(k, k);
            tensors.put(name, w.tensors().get(k));
            shapes.put(name, w.shape(k));
            fileName.put(name, k);
        }
        if (net.fusion().equals("aaf-rand") && !tensors.containsKey(AafRandFusion.QUERY)) {
            Path q = options.query() != null ? options.query() : file.toAbsolutePath().resolveSibling(QUERY_FILE);
            if (!Files.isRegularFile(q)) {
                throw new WeaktrException("fusion aaf-rand needs the fixed query: " + file + " does not hold '"
                        + AafRandFusion.QUERY + "' and there is no " + q + " (official runs save it as " + QUERY_FILE
                        + " beside the checkpoint; give it with --query FILE)");
            }
            dev.weaktr.io.Npy.FloatArray a = dev.weaktr.io.Npy.read(q);
            tensors.put(AafRandFusion.QUERY, a.data());
            shapes.put(AafRandFusion.QUERY, java.util.Arrays.stream(a.shape()).asLongStream().toArray());
        }
        List<String> unexpected = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            new WeakTrCamNet(params, net);
            List<String> unused = new ArrayList<>();
            for (String k : tensors.keySet()) {
                if (!params.all().containsKey(k)) {
                    // the official AAF_RandWeight builds the feature FFN (it subclasses AAF) but never calls it
                    boolean knownUnused = net.fusion().equals("aaf-rand") && k.startsWith("adaptive_attention_fusion.attn_feat_ffn.");
                    (knownUnused ? unexpected : unused).add(fileName.getOrDefault(k, k));
                }
            }
            if (!unused.isEmpty() && !options.ignoreUnused()) {
                throw new WeaktrException(file + " holds tensor '" + unused.get(0) + "' " + Arrays.toString(w.shape(unused.get(0)))
                        + " that a " + net.backbone().name() + " / " + net.fusion() + " CAM model has no place for ("
                        + unused.size() + " in all: " + String.join(", ", unused.subList(0, Math.min(4, unused.size())))
                        + (unused.size() > 4 ? ", ..." : "") + "); check --fusion/--model, or drop them with --ignore-unused");
            }
            unexpected.addAll(unused);
            for (String k : unexpected) {
                String ours = V1_NAMES.getOrDefault(k, k);
                tensors.remove(ours);
                shapes.remove(ours);
            }
            params.load(tensors, shapes, file.toString());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("task", "cam");
            meta.put("fusion", net.fusion());
            meta.put("imported_from", file.toAbsolutePath().toString());
            Checkpoint.save(out.resolve(Checkpoint.FILE), params, null, 0, meta);
        }
        new CamRun(CamRun.FORMAT, Version.VERSION, net, classes.names(), null, null, null, "cpu",
                file.toAbsolutePath().toString()).write(out); // manifest last: the folder is complete or visibly not
        return new Imported(out, net, classes.names(), unexpected, layout[1]);
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
        String fusion = o.fusion().equals("auto") ? layout(w)[0] : o.fusion();
        boolean paperVersion = V1_NAMES.keySet().stream().anyMatch(w::has);
        String recorded = w.metadata().get("weaktr_aaf_pool"); // a weaktr export records it
        String pool = !o.pool().equals("auto") ? o.pool() : recorded != null ? recorded : paperVersion ? "avg" : "max";
        if (!AttentionFusion.NAMES.contains(fusion)) {
            throw new WeaktrException("unknown --fusion '" + fusion + "'; expected auto or one of " + AttentionFusion.NAMES);
        }
        AafConfig aaf = AafConfig.DEFAULT;
        String headFfn = w.has(HEAD_FFN) ? HEAD_FFN : w.has("adaptive_attention_fusion.fc.0.weight") ? "adaptive_attention_fusion.fc.0.weight" : null;
        if (headFfn != null) {
            long[] head = w.shape(headFfn); // [L·H / r, L·H]
            double featReduction = w.has(FEAT_FFN) && !fusion.equals("aaf-rand")
                    ? reduction((int) w.shape(FEAT_FFN)[1], (int) w.shape(FEAT_FFN)[0]) : AafConfig.DEFAULT.featReduction();
            aaf = new AafConfig(reduction((int) head[1], (int) head[0]), featReduction, pool);
        } else {
            aaf = new AafConfig(aaf.reduction(), aaf.featReduction(), pool);
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
     * safetensors (aaf under the paper version's {@code adaptive_attention_fusion.fc.*}; aaf-rand with its query as
     * {@code adaptive_attention_fusion.query}, which the official code keeps in query.npy instead), loadable by {@code model.load_state_dict(safetensors.torch.load_file(out))}. Returns the
     * number of tensors written.
     */
    public static int export(Path run, Path out) {
        return export(run, out, null);
    }

    /** @param checkpoint "best", "last", or null for the best when the run has one (else the last) */
    public static int export(Path run, Path out, String checkpoint) {
        CamRun manifest = CamRun.read(run);
        Path ckpt = dev.weaktr.train.BestCheckpoint.choose(run, checkpoint);
        if (!Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + Checkpoint.FILE + " (an unfinished run?)");
        }
        if (Files.isDirectory(out)) {
            throw new WeaktrException("--out " + out + " is a folder; expected a file name such as model.safetensors");
        }
        SafeTensors.Content c = SafeTensors.read(ckpt);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        // aaf: the paper version's names (AAF.fc), so its code (56ba7d6) loads the file
        Map<String, String> rename = new LinkedHashMap<>();
        if (manifest.net().fusion().equals("aaf")) {
            V1_NAMES.forEach((v1, ours) -> rename.put(ours, v1));
        }
        for (Map.Entry<String, float[]> e : c.tensors().entrySet()) {
            if (!e.getKey().startsWith("optimizer.")) {
                String name = rename.getOrDefault(e.getKey(), e.getKey());
                tensors.put(name, e.getValue());
                shapes.put(name, c.shapes().get(e.getKey()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("weaktr_task", "cam");
        meta.put("weaktr_model", manifest.net().backbone().name());
        meta.put("weaktr_fusion", manifest.net().fusion());
        meta.put("weaktr_aaf_pool", manifest.net().aaf().pool());
        meta.put("weaktr_classes", String.join(",", manifest.classes()));
        SafeTensors.write(out, tensors, shapes, meta);
        return tensors.size();
    }
}
