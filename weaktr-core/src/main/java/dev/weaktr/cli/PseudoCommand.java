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
        description = "A method's own pseudo labels of a split: AFA (CAM -> affinity random walk -> PAR, background 0.55/0.35, "
                + "255 where unsure), SemFormer (CRA CAM -> AffinityNet random walk -> background 0.25 -> CRF) in the SEEDS layout retrain reads: SEEDS/<id>.png, seeds.json, seeds.txt.")
final class PseudoCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "AFA run folder (train --method afa, import --kind afa), or a "
            + "SemFormer segmentor run (train --method semformer --stage seg) with --aff-run")
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

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
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
}
