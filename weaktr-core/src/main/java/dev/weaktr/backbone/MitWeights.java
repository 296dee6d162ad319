package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads MiT ImageNet weights in the published SegFormer layout ({@code mit_b0.pth} ... {@code mit_b5.pth}: a
 * plain state dict with {@code patch_embed1.proj.weight}, {@code block1.0.attn.q.weight}, ..., {@code norm4.*}
 * and the ImageNet classifier {@code head.*}), as PyTorch zip or safetensors. mmsegmentation checkpoints
 * ({@code backbone.} prefix) and AFA checkpoints ({@code encoder.} prefix) are read too. The classifier is
 * dropped (AFA pops {@code head.weight}/{@code head.bias}); every encoder tensor must be in the file with the
 * model's shape, as the official {@code load_state_dict} (strict) requires.
 */
public final class MitWeights {
    private MitWeights() {}

    /** Loads {@code file} into the MiT tensors of {@code params} (under {@code params.prefix()}). */
    public static LoadReport load(Path file, Parameters params, MitConfig config, boolean strict) {
        WeightFile raw = WeightFile.read(file);
        String filePrefix = raw.has("patch_embed1.proj.weight") ? ""
                : raw.has("backbone.patch_embed1.proj.weight") ? "backbone."
                : raw.has("encoder.patch_embed1.proj.weight") ? "encoder." : null;
        if (filePrefix == null) {
            String first = raw.tensors().isEmpty() ? "no tensors" : "e.g. '" + raw.tensors().keySet().iterator().next() + "'";
            throw new WeaktrException(file + " is not a MiT (SegFormer) weights file: it has no 'patch_embed1.proj.weight' ("
                    + raw.tensors().size() + " tensors, " + first + "); --backbone " + config.name()
                    + " needs the published mit_b*.pth layout");
        }
        String prefix = params.prefix();
        Map<String, long[]> model = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
            if (e.getKey().startsWith(prefix) && isEncoderKey(e.getKey().substring(prefix.length()))) {
                model.put(e.getKey().substring(prefix.length()), e.getValue().getShape().getShape());
            }
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> loaded = new ArrayList<>(), dropped = new ArrayList<>(), missing = new ArrayList<>();
        List<LoadReport.Key> unexpected = new ArrayList<>();
        List<LoadReport.Mismatch> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : model.entrySet()) {
            String k = filePrefix + e.getKey();
            if (!raw.has(k)) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(raw.shape(k), e.getValue())) {
                mismatched.add(new LoadReport.Mismatch(e.getKey(), raw.shape(k), e.getValue()));
            } else {
                values.put(prefix + e.getKey(), raw.tensors().get(k));
                shapes.put(prefix + e.getKey(), e.getValue());
                loaded.add(e.getKey());
            }
        }
        for (String k : raw.tensors().keySet()) {
            if (!k.startsWith(filePrefix)) {
                unexpected.add(new LoadReport.Key(k, raw.shape(k)));
                continue;
            }
            String local = k.substring(filePrefix.length());
            if (local.startsWith("head.")) {
                dropped.add(k);
            } else if (!model.containsKey(local)) {
                unexpected.add(new LoadReport.Key(k, raw.shape(k)));
            }
        }
        if (!mismatched.isEmpty()) {
            LoadReport.Mismatch m = mismatched.get(0);
            throw new WeaktrException(file + ": tensor '" + m.name() + "' has shape " + LoadReport.shape(m.fileShape())
                    + " but --backbone " + config.name() + " expects " + LoadReport.shape(m.modelShape()) + " ("
                    + mismatched.size() + " mismatched in all; weights of another MiT size?)");
        }
        if (!missing.isEmpty()) {
            throw new WeaktrException(file + " has no tensor '" + filePrefix + missing.get(0) + "' that --backbone "
                    + config.name() + " needs (" + missing.size() + " encoder tensors missing in all; weights of "
                    + "another MiT size, or a truncated file?)");
        }
        LoadReport report = new LoadReport(file.toString(), loaded, List.of(), List.of(), dropped, missing, unexpected,
                mismatched);
        report.check(strict);
        params.loadSome(values, shapes, file.toString());
        return report;
    }

    /** Names of the encoder proper (not a method's heads registered beside it). */
    static boolean isEncoderKey(String k) {
        return k.startsWith("patch_embed") || k.startsWith("block") || k.matches("norm[1-4]\\..*");
    }
}
