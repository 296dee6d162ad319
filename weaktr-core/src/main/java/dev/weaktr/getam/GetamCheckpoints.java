package dev.weaktr.getam;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Official GETAM checkpoints ({@code weight/<session>_<step>.pth} or {@code _last.pth} of weixuansun/GETAM
 * {@code train_from_init.py}: {@code model.module.state_dict()} of {@code DPTSegmentationModel}; a {@code module.}
 * prefix is stripped if present) → weaktr GETAM run folders. The names are the network's own ({@link GetamNet}).
 * The backbone is read from the tensors: a ResNet stem ({@code pretrained.model.patch_embed.backbone.*}) is the
 * hybrid, a {@code dist_token} the distilled DeiT, a plain ViT of width 768 is {@code vit-b} (DeiT-B has the same
 * tensors: name it with {@code --model deit-b}), width 192 the {@code cpu-demo}; the decoder width from
 * {@code scratch.layer1_rn.weight}, the class count from {@code cls_head.weight}. A {@code --model} whose shape is not
 * the file's is one error naming the file.
 */
public final class GetamCheckpoints {
    private GetamCheckpoints() {}

    /** What an import wrote. */
    public record Imported(Path run, GetamRun manifest, List<String> dropped) {}

    /**
     * @param classes the class list (background first), or null for PASCAL VOC when the file has 20 classes
     * @param backbone a {@link DptVitConfig} preset (its shape must match the file), or null to read it from the file
     */
    public static Imported importOfficial(Path file, Path out, ClassList classes, String backbone) {
        WeightFile w = WeightFile.read(file);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String k : w.tensors().keySet()) {
            String name = k.startsWith("module.") ? k.substring("module.".length()) : k;
            tensors.put(name, w.tensors().get(k));
            shapes.put(name, w.shape(k));
        }
        for (String key : List.of("cls_head.weight", "scratch.layer1_rn.weight", "scratch.output_conv.4.weight",
                "pretrained.model.cls_token")) {
            if (!tensors.containsKey(key)) {
                throw new WeaktrException(file + " is not an official GETAM checkpoint (DPTSegmentationModel state dict): "
                        + "it has no '" + key + "' (" + tensors.size() + " tensors)");
            }
        }
        String found = detect(file, shapes);
        DptVitConfig bc;
        if (backbone != null) {
            bc = DptVitConfig.preset(backbone);
            String presetShape = sameTensors(bc.name());
            if (!presetShape.equals(sameTensors(found))) {
                throw new WeaktrException(file + " holds a GETAM network on " + found + " but --model " + backbone
                        + " was given (" + describe(file, shapes) + ")");
            }
        } else {
            bc = DptVitConfig.preset(found);
        }
        long[] cls = shapes.get("cls_head.weight"); // [C, D4]
        int c = (int) cls[0];
        int features = (int) shapes.get("scratch.layer1_rn.weight")[0];
        long seg = shapes.get("scratch.output_conv.4.weight")[0];
        if (seg != c + 1) {
            throw new WeaktrException(file + ": the classification head has " + c + " classes but the segmentation head "
                    + seg + " (expected C + 1 = " + (c + 1) + ")");
        }
        ClassList names = classes(file, classes, c);
        GetamConfig net = new GetamConfig(bc, c, features);
        List<String> dropped = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            new GetamNet(params, net);
            for (String k : new ArrayList<>(tensors.keySet())) {
                if (!params.all().containsKey(k)) {
                    if (k.endsWith("num_batches_tracked")) {
                        dropped.add(k);
                        tensors.remove(k);
                    } else {
                        throw new WeaktrException(file + ": tensor '" + k + "' has no place in the GETAM network on "
                                + bc.name() + " (a checkpoint of another model?)");
                    }
                }
            }
            params.load(tensors, shapes, file.toString());
            Checkpoint.saveImported(out, params, "getam", file);
        }
        GetamRun manifest = new GetamRun(GetamRun.FORMAT, GetamRun.METHOD, bc.name(), features, names.names(), null,
                null, null, null, "cpu", file.toAbsolutePath().toString());
        manifest.write(out);
        return new Imported(out, manifest, dropped);
    }

    /** The preset whose tensors the file holds (vit-b for a plain ViT-B: DeiT-B is the same). */
    static String detect(Path file, Map<String, long[]> shapes) {
        long width = shapes.get("pretrained.model.cls_token")[2];
        int depth = 0;
        while (shapes.containsKey("pretrained.model.blocks." + depth + ".norm1.weight")) {
            depth++;
        }
        boolean hybrid = shapes.keySet().stream().anyMatch(k -> k.startsWith("pretrained.model.patch_embed.backbone."));
        boolean distilled = shapes.containsKey("pretrained.model.dist_token");
        for (DptVitConfig p : DptVitConfig.PRESETS) {
            if (p.vit().dim() == width && p.vit().depth() == depth && p.hybrid() == hybrid && p.distilled() == distilled
                    && (p.hybrid() || reassembleMatches(p, shapes))) {
                return p.name();
            }
        }
        throw new WeaktrException(file + " holds a GETAM network on no weaktr backbone (" + describe(file, shapes)
                + "); expected one of " + DptVitConfig.PRESETS.stream().map(DptVitConfig::name).toList());
    }

    private static boolean reassembleMatches(DptVitConfig p, Map<String, long[]> shapes) {
        for (int i = 0; i < 4; i++) {
            long[] s = shapes.get("scratch.layer" + (i + 1) + "_rn.weight");
            if (s == null || s[1] != p.reassemble()[i]) {
                return false;
            }
        }
        return true;
    }

    /** Presets with identical tensors (vit-b and deit-b) compare equal. */
    private static String sameTensors(String preset) {
        return preset.equals("deit-b") ? "vit-b" : preset;
    }

    private static String describe(Path file, Map<String, long[]> shapes) {
        long width = shapes.get("pretrained.model.cls_token")[2];
        int depth = 0;
        while (shapes.containsKey("pretrained.model.blocks." + depth + ".norm1.weight")) {
            depth++;
        }
        boolean hybrid = shapes.keySet().stream().anyMatch(k -> k.startsWith("pretrained.model.patch_embed.backbone."));
        return "ViT width " + width + ", " + depth + " blocks" + (hybrid ? ", ResNet stem" : "")
                + (shapes.containsKey("pretrained.model.dist_token") ? ", distillation token" : "");
    }

    private static ClassList classes(Path file, ClassList given, int c) {
        if (given != null) {
            if (given.numForeground() != c) {
                throw new WeaktrException("--classes names " + given.numForeground() + " foreground classes but " + file
                        + " was trained on " + c);
            }
            return given;
        }
        if (c == ClassList.voc().numForeground()) {
            return ClassList.voc();
        }
        throw new WeaktrException(file + " was trained on " + c + " classes; give its class list with --classes FILE "
                + "(one name per line, background first, " + (c + 1) + " lines)");
    }
}
