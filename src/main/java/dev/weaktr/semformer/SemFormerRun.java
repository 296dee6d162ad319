package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.List;

/**
 * A SemFormer run folder's manifest ({@code run.json}): {@code method} is {@code semformer-caae} for stage 1 and
 * {@code semformer} for stage 2, so a command given the wrong stage can say so.
 *
 * @param classes class names, background first (K = classes.size())
 * @param caae the stage-1 run a stage-2 run was trained against (absolute path), null for a CAAE run
 * @param pretrained the ImageNet ViT weights the stage started from, or null (from scratch)
 */
public record SemFormerRun(String format, String method, List<String> classes, SemFormerTrainConfig train,
        String data, String split, String device, String caae, String pretrained) {
    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-semformer-run-1";
    public static final String METHOD_CAAE = "semformer-caae";
    public static final String METHOD_SEG = "semformer";

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static SemFormerRun read(Path dir) {
        return Manifests.read(dir, FILE, FORMAT, SemFormerRun.class,
                "a SemFormer run folder (the --out of 'weaktr train --method semformer')");
    }

    /** The CAAE run at {@code dir}, checked to be one (and for the class list {@code classes}). */
    public static SemFormerRun readCaae(Path dir, List<String> classes) {
        SemFormerRun r = read(dir);
        if (!METHOD_CAAE.equals(r.method())) {
            throw new WeaktrException(dir.resolve(FILE) + ": a '" + r.method() + "' run, not a SemFormer CAAE run "
                    + "(train one with --stage caae)");
        }
        if (!r.classes().equals(classes)) {
            throw new WeaktrException(dir.resolve(FILE) + ": the CAAE was trained for the classes " + r.classes()
                    + ", this dataset has " + classes);
        }
        return r;
    }

    /** The CAAE shape of this run (stage 1: its own input size; stage 2: the model preset's). */
    public CaaeConfig caaeConfig() {
        return train.caae(classes.size());
    }

    /** The segmentor shape of a stage-2 run: the preset's ViT with its position grid at the training crop. */
    public SemFormerConfig segmentorConfig() {
        CaaeConfig caae = caaeConfig();
        SemFormerConfig c = train.model().equals("cpu-demo") ? SemFormerConfig.cpuDemo(caae) : SemFormerConfig.official(caae);
        return new SemFormerConfig(c.backbone().withImageSize(train.crop()), c.classes(), c.classDim(), c.maskDropout());
    }
}
