package dev.weaktr.cli;

import dev.weaktr.cam.CamPipeline;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cams", mixinStandardHelpOptions = true,
        description = "Generate multi-scale + flip CAMs for a split (a WeakTr CAM run or an AFA run): CAMS/<id>.npy ([K,H,W] float32), overlays/<id>.png, cams.tsv.")
final class CamsCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "CAM run folder (from train-cam), or an AFA run (train --method afa, import --kind afa)")
    Path run;

    @Option(names = "--data", required = true, description = "dataset root")
    Path data;

    @Option(names = "--split", required = true, description = "split to label, e.g. train")
    String split;

    @Option(names = "--out", required = true, description = "CAMS folder to write")
    Path out;

    @Option(names = "--scales", split = ",", description = "image scales (comma separated). Default: 1.0,0.8,1.2 for WeakTr, "
            + "1.0,0.5,1.5 for AFA (its cam.scales)")
    double[] scales;

    @Option(names = "--no-flip", description = "do not add horizontally flipped copies")
    boolean noFlip;

    @Option(names = "--no-refine", description = "skip the patch-attention refinement (eq. 6): write the fused CAM CAM_coarse ⊙ ĈA (the inner term of eq. 6)")
    boolean noRefine;

    @Option(names = "--checkpoint", description = "best (checkpoint-best.safetensors, kept by train-cam's validation) | last. "
            + "Default: best when the run has one, else last")
    String checkpoint;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        boolean afa = dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.afa.AfaRun.METHOD);
        if (scales == null) {
            scales = afa ? dev.weaktr.afa.AfaInference.CAM_SCALES.clone() : new double[] {1.0, 0.8, 1.2};
        }
        for (double s : scales) {
            if (!(s > 0 && s <= 8)) {
                throw new dev.weaktr.WeaktrException("--scales: each scale must be in (0, 8], got " + s);
            }
        }
        if (afa && (noFlip || noRefine || checkpoint != null)) {
            throw new dev.weaktr.WeaktrException("--no-flip, --no-refine and --checkpoint are WeakTr's; " + run
                    + " is an AFA run (its CAM always adds the flip and has no patch refinement)");
        }
        CamPipeline.CamsResult r = afa ? dev.weaktr.afa.AfaPipeline.cams(run, data, split, out, scales, device.resolve(), System.out)
                : CamPipeline.generate(run, data, split, out, scales, !noFlip, !noRefine, checkpoint, device.resolve(), System.out);
        System.out.printf(Locale.ROOT, "wrote CAMs of %d images (%d with labelled classes) in %.1f s (%.2f images/s) -> %s%n",
                r.images(), r.withMaps(), r.seconds(), r.images() / r.seconds(), out);
        return 0;
    }
}
