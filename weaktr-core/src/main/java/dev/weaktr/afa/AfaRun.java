package dev.weaktr.afa;

import dev.weaktr.backbone.MitConfig;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.List;

/**
 * An AFA run folder's manifest ({@code run.json}). {@code method} is "afa" so commands given a run of another
 * method can say so.
 *
 * @param backbone the MiT preset name
 * @param classes class names, background first
 * @param pretrained the encoder's ImageNet weights file (or, for an imported run, the official checkpoint), or null
 * @param mit the encoder's full shape (an imported checkpoint's MiT need not be a preset); null in runs written
 *     before it was recorded, which name a preset in {@code backbone}
 */
public record AfaRun(String format, String method, String backbone, int embedDim, List<String> classes,
        AfaTrainConfig train, String data, String split, String device, String pretrained, MitConfig mit) {
    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-afa-run-1";
    public static final String METHOD = "afa";

    public AfaConfig net() {
        return new AfaConfig(mit != null ? mit : MitConfig.preset(backbone), classes.size() - 1, embedDim);
    }

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static AfaRun read(Path dir) {
        if (java.nio.file.Files.isRegularFile(dir.resolve(FILE)) && !Manifests.method(dir).equals(METHOD)) {
            throw new dev.weaktr.WeaktrException(dir + " was made by method " + Manifests.method(dir) + "; expected an AFA run folder"
                    + " (the --out of 'weaktr train --method afa' or 'weaktr import --kind afa')");
        }
        return Manifests.read(dir, FILE, FORMAT, AfaRun.class, "an AFA run folder (the --out of 'weaktr train --method afa')");
    }
}
