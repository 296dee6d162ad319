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
        description = "AFA's own pseudo labels of a split (CAM -> affinity random walk -> PAR, background 0.55/0.35, "
                + "255 where unsure) in the SEEDS layout retrain reads: SEEDS/<id>.png, seeds.json, seeds.txt.")
final class PseudoCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "AFA run folder (train --method afa, import --kind afa)")
    Path run;

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
        Manifests.requireMethod(run, AfaRun.METHOD, "pseudo");
        long t0 = System.nanoTime();
        int n = AfaPipeline.pseudo(run, data, split, out, device.resolve(), System.out);
        System.out.printf(java.util.Locale.ROOT, "wrote %d pseudo labels in %.1f s -> %s%n", n, (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
