package dev.weaktr.cli;

import dev.weaktr.afa.AfaPipeline;
import dev.weaktr.afa.AfaRun;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pseudo", mixinStandardHelpOptions = true,
        description = "A method's own pseudo labels of a split in the SEEDS layout retrain reads (SEEDS/<id>.png, seeds.json, "
                + "seeds.txt): AFA (CAM -> affinity random walk -> PAR, background 0.55/0.35, 255 where unsure), GETAM "
                + "(GETAM map -> PAMR -> bg (1-max)^32 -> saliency masking -> 90th-percentile mining -> 10x10 opening) or "
                + "SemFormer (CRA CAM -> AffinityNet random walk -> background 0.25 -> CRF).")
final class PseudoCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "AFA or GETAM run folder (train --method afa|getam, import --kind "
            + "afa|getam), or a SemFormer segmentor run (train --method semformer --stage seg) with --aff-run")
    Path run;

    @Option(names = "--aff-run", description = "SemFormer: the AffinityNet run (train --method semformer --stage aff) whose "
            + "random walk refines the CRA CAMs")
    Path affRun;

    @Option(names = "--data", required = true, description = "dataset root")
    Path data;

    @Option(names = "--split", required = true, description = "split to label, e.g. train")
    String split;

    @Option(names = "--out", required = true, description = "SEEDS folder to write")
    Path out;

    @Option(names = "--saliency", description = "GETAM: saliency maps, one PNG per image (DIR/<id>.png, the image's size; > 0 = "
            + "salient). Default: the run's own --saliency folder, if it was trained with one")
    Path saliency;

    @Option(names = "--no-saliency", description = "GETAM: the image-level-only form (every pixel salient), even if the run "
            + "was trained with saliency maps")
    boolean noSaliency;

    @Option(names = "--scales", split = ",", description = "GETAM: square sides of the map's inputs. Default: 256,320,480 (test.py's)")
    double[] scales;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (Manifests.isMethod(run, dev.weaktr.getam.GetamRun.METHOD)) {
            return getam();
        }
        if (saliency != null || noSaliency || scales != null) {
            throw new dev.weaktr.WeaktrException("--saliency, --no-saliency and --scales are GETAM's; " + run + " is not a GETAM run");
        }
        long t0 = System.nanoTime();
        if (dev.weaktr.semformer.SemFormerCams.isRun(run)) { // CRA CAM -> AffinityNet random walk -> bg 0.25 -> CRF
            int n = dev.weaktr.semformer.SemFormerPseudo.run(run, affRun, data, split, out,
                    dev.weaktr.semformer.SemFormerPseudo.Source.RANDOM_WALK, device.resolve(), System.out);
            System.out.printf(java.util.Locale.ROOT, "wrote %d pseudo labels in %.1f s -> %s%n", n, (System.nanoTime() - t0) / 1e9, out);
            return 0;
        }
        if (affRun != null) {
            throw new dev.weaktr.WeaktrException("--aff-run is for a SemFormer run; " + run + " is not one");
        }
        Manifests.requireMethod(run, AfaRun.METHOD, "pseudo");
        int n = AfaPipeline.pseudo(run, data, split, out, device.resolve(), System.out);
        System.out.printf(java.util.Locale.ROOT, "wrote %d pseudo labels in %.1f s -> %s%n", n, (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }

    private Integer getam() {
        if (affRun != null) {
            throw new dev.weaktr.WeaktrException("--aff-run is for a SemFormer run; " + run + " is a GETAM run");
        }
        if (saliency != null && noSaliency) {
            throw new dev.weaktr.WeaktrException("give --saliency DIR or --no-saliency, not both");
        }
        Path sal = saliency;
        if (sal == null && !noSaliency) {
            String trained = dev.weaktr.getam.GetamRun.read(run).saliency();
            sal = trained == null ? null : Path.of(trained);
        }
        System.out.println("pseudo (getam): " + (sal == null ? "image-level only (no saliency maps)" : "saliency " + sal));
        long t0 = System.nanoTime();
        int[] sizes = scales == null ? dev.weaktr.getam.GetamPredictor.SIZES.clone() : SegInferenceOptions.sides(scales);
        int n = dev.weaktr.getam.GetamPipeline.pseudo(run, data, split, out, sal,
                dev.weaktr.getam.GetamPipeline.checkSizes(sizes, "--scales"), device.resolve(), System.out);
        System.out.printf(java.util.Locale.ROOT, "wrote %d pseudo labels in %.1f s -> %s%n", n, (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
