package dev.weaktr.cli;

import dev.weaktr.cam.CamPipeline;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cams", mixinStandardHelpOptions = true,
        description = "Generate multi-scale + flip CAMs for a split (WeakTr, SemFormer, AFA or GETAM run): CAMS/<id>.npy ([K,H,W] float32), overlays/<id>.png, cams.tsv.")
final class CamsCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "CAM run folder (from train-cam, or a SemFormer run of train --method semformer --stage seg, or an AFA run of train --method afa / import --kind afa, or a GETAM run of train --method getam / import --kind getam)")
    Path run;

    @Option(names = "--data", required = true, description = "dataset root")
    Path data;

    @Option(names = "--split", required = true, description = "split to label, e.g. train")
    String split;

    @Option(names = "--out", required = true, description = "CAMS folder to write")
    Path out;

    @Option(names = "--scales", split = ",", defaultValue = "1.0,0.8,1.2", description = "image scales (comma separated). Default: ${DEFAULT-VALUE} "
            + "(AFA: 1.0,0.5,1.5, its cam.scales; GETAM: square sides in pixels, 256,320,480 as its test.py)")
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

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (dev.weaktr.semformer.SemFormerCams.isRun(run)) { // SemFormer's CRA CAMs (official scales 0.5,1,1.5,2 + flips)
            double[] s = spec.commandLine().getParseResult().hasMatchedOption("--scales") ? scales
                    : dev.weaktr.semformer.CraCam.SCALES;
            CamPipeline.CamsResult r = dev.weaktr.semformer.SemFormerCams.generate(run, data, split, out, s,
                    dev.weaktr.semformer.CraCam.LAYERS, device.resolve(), System.out);
            System.out.printf(Locale.ROOT, "wrote SemFormer CRA CAMs of %d images (%d with labelled classes) in %.1f s -> %s%n",
                    r.images(), r.withMaps(), r.seconds(), out);
            return 0;
        }
        if (dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.getam.GetamRun.METHOD)) {
            return getam();
        }
        boolean afa = dev.weaktr.io.Manifests.isMethod(run, dev.weaktr.afa.AfaRun.METHOD);
        if (afa && !spec.commandLine().getParseResult().hasMatchedOption("--scales")) {
            scales = dev.weaktr.afa.AfaInference.CAM_SCALES.clone();
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

    /** A GETAM run: its map on the square inputs ({@code --scales} lists their sides, default 256,320,480). */
    private Integer getam() {
        if (noFlip || noRefine || checkpoint != null) {
            throw new dev.weaktr.WeaktrException("--no-flip, --no-refine and --checkpoint are WeakTr's; " + run
                    + " is a GETAM run (its map has no flip and no patch refinement)");
        }
        int[] sizes = spec.commandLine().getParseResult().hasMatchedOption("--scales") ? SegInferenceOptions.sides(scales)
                : dev.weaktr.getam.GetamPredictor.SIZES.clone();
        CamPipeline.CamsResult r = dev.weaktr.getam.GetamPipeline.cams(run, data, split, out,
                dev.weaktr.getam.GetamPipeline.checkSizes(sizes, "--scales"), device.resolve(), System.out);
        System.out.printf(Locale.ROOT, "wrote GETAM maps of %d images (%d with labelled classes) in %.1f s (%.2f images/s) -> %s%n",
                r.images(), r.withMaps(), r.seconds(), r.images() / r.seconds(), out);
        return 0;
    }
}
