package dev.weaktr.cli;

import dev.weaktr.seg.SegPipeline;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "segment", mixinStandardHelpOptions = true,
        description = "Label a split with a retrained model (multi-scale + flip sliding window) or an AFA run (its own "
                + "segmentation head, test_msc_flip.py) or a GETAM run (squares 256/320/480, test.py): PRED/<id>.png, overlays/, pred.txt.")
final class SegmentCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "segmentation run folder (from retrain), or an AFA or GETAM run (train --method afa|getam, import --kind afa|getam)")
    Path run;

    @Option(names = "--data", required = true, description = "dataset root")
    Path data;

    @Option(names = "--split", required = true, description = "split to label")
    String split;

    @Option(names = "--out", required = true, description = "PRED folder to write")
    Path out;

    @Option(names = "--pseudo", description = "label a training split as pseudo masks (no overlays)")
    boolean pseudo;

    @Option(names = "--save-probs", description = "also write <id>.npy: float32 [K, H, W] scores averaged over the scales/flips "
            + "(w*P(block 1) + P(block 2), the official --predict-dir maps), for 'weaktr crf --probs' or ensembles")
    boolean saveProbs;

    @Mixin
    SegInferenceOptions inference;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        SegPipeline.Result r;
        if (dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.getam.GetamRun.METHOD)) {
            if (saveProbs) {
                throw new dev.weaktr.WeaktrException("--save-probs: not available for a GETAM run (" + run + ")");
            }
            r = dev.weaktr.getam.GetamPipeline.segment(run, data, split, out, inference.getamSettings(), pseudo, device.resolve(), System.out);
        } else if (dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.afa.AfaRun.METHOD)) {
            if (saveProbs) {
                throw new dev.weaktr.WeaktrException("--save-probs: not available for an AFA run (" + run + ")");
            }
            r = dev.weaktr.afa.AfaPipeline.segment(run, data, split, out, inference.afaSettings(), pseudo, device.resolve(), System.out);
        } else {
            r = SegPipeline.segment(run, data, split, out, inference.settings(), pseudo, saveProbs, device.resolve(), System.out);
        }
        System.out.printf(Locale.ROOT, "labelled %d images in %.1f s (%.2f images/s) -> %s%n", r.images(), r.seconds(),
                r.images() / r.seconds(), out);
        return 0;
    }
}
