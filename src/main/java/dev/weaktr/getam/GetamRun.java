package dev.weaktr.getam;

import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.List;

/**
 * A GETAM run folder's manifest ({@code run.json}); {@code method} is "getam".
 *
 * @param backbone the {@link DptVitConfig} preset name
 * @param features DPT's decoder width
 * @param classes class names, background first
 * @param saliency the saliency folder, or null (the image-level-only form)
 * @param pretrained the backbone's ImageNet weights file, or null
 */
public record GetamRun(String format, String method, String backbone, int features, List<String> classes,
        GetamTrainConfig train, String data, String split, String saliency, String device, String pretrained) {
    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-getam-run-1";
    public static final String METHOD = "getam";

    public GetamConfig net() {
        return new GetamConfig(DptVitConfig.preset(backbone), classes.size() - 1, features);
    }

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static GetamRun read(Path dir) {
        return Manifests.read(dir, FILE, FORMAT, GetamRun.class,
                "a GETAM run folder (the --out of 'weaktr train --method getam')");
    }
}
