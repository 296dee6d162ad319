package dev.weaktr.cli;

import dev.weaktr.seg.SegPipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Segment JPEG/PNG files of any size: OUT/<name>.png (indexed mask) and OUT/<name>_overlay.png.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "segmentation run folder (from retrain), or an AFA or GETAM run (train --method afa|getam, import --kind afa|getam)")
    Path run;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "images to segment")
    List<Path> images;

    @Option(names = "--save-probs", description = "also write <stem>.npy: float32 [K, H, W] averaged class scores (see segment --save-probs)")
    boolean saveProbs;

    @Mixin
    SegInferenceOptions inference;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        List<Path> written;
        if (dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.getam.GetamRun.METHOD)) {
            if (saveProbs) {
                throw new dev.weaktr.WeaktrException("--save-probs: not available for a GETAM run (" + run + ")");
            }
            written = dev.weaktr.getam.GetamPipeline.predict(run, images, out, inference.getamSettings(), device.resolve());
        } else if (dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.afa.AfaRun.METHOD)) {
            if (saveProbs) {
                throw new dev.weaktr.WeaktrException("--save-probs: not available for an AFA run (" + run + ")");
            }
            written = dev.weaktr.afa.AfaPipeline.predict(run, images, out, inference.afaSettings(), device.resolve());
        } else {
            written = SegPipeline.predict(run, images, out, inference.settings(), saveProbs, device.resolve());
        }
        written.forEach(p -> System.out.println("wrote " + p));
        return 0;
    }
}
