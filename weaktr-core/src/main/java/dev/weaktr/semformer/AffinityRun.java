package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.List;

/**
 * An AffinityNet run folder's manifest ({@code run.json}, method {@value #METHOD}): the third SemFormer stage, trained
 * from the CRF-on-labels affinity labels of a CAMS folder. The folder holds {@code labels/<id>.png} (the affinity
 * labels, 255 = unsure), {@value #BACKBONE} (the frozen ResNet), {@code checkpoint.safetensors} (the edge layers)
 * and {@code log.jsonl}.
 *
 * @param cams the CAMS folder the labels came from (absolute)
 * @param pretrained the ResNet weights file, or null (a random backbone)
 */
public record AffinityRun(String format, String method, List<String> classes, AffinityTrainConfig train, String data,
        String split, String cams, String device, String pretrained) {
    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-semformer-aff-run-1";
    public static final String METHOD = "semformer-aff";
    public static final String BACKBONE = "backbone.safetensors";
    public static final String LABELS = "labels";

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static AffinityRun read(Path dir) {
        return Manifests.read(dir, FILE, FORMAT, AffinityRun.class,
                "an AffinityNet run folder (the --out of 'weaktr train --method semformer --stage aff')");
    }

    /** The run at {@code dir}, checked to be an AffinityNet run for the class list {@code classes}. */
    public static AffinityRun readFor(Path dir, List<String> classes) {
        if (!Manifests.isMethod(dir, METHOD)) {
            throw new WeaktrException(dir.resolve(FILE) + ": not an AffinityNet run (make one with 'weaktr train --method "
                    + "semformer --stage aff --cams CAMS')");
        }
        AffinityRun r = read(dir);
        if (!r.classes().equals(classes)) {
            throw new WeaktrException(dir.resolve(FILE) + ": the AffinityNet was trained for the classes " + r.classes()
                    + ", this dataset has " + classes);
        }
        return r;
    }
}
