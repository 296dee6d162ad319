package dev.weaktr.cli;

import dev.weaktr.demo.Demo;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The CAM phase end to end on generated data (synth -> train-cam -> cams -> eval-cam) for the aaf and mean-sum fusions, with the cpu-demo model.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo", description = "output folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--epochs", description = "training epochs per fusion (default 20)")
    Integer epochs;

    @Option(names = "--train", description = "generated training images (default 300)")
    Integer train;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Demo.Settings d = Demo.Settings.defaults();
        Demo.Settings s = new Demo.Settings(train == null ? d.trainImages() : train, d.valImages(), d.size(),
                epochs == null ? d.epochs() : epochs, d.batch(), d.lr(), seed, d.scales());
        List<Demo.Row> rows = Demo.run(out, s, device.resolve(), System.out);
        System.out.println();
        System.out.println("| fusion | CAM mIoU (train, best bg threshold) | threshold | training time |");
        System.out.println("|---|---|---|---|");
        for (Demo.Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.2f %% | %.2f | %.0f s |%n", r.fusion(), r.mIoU(), r.threshold(), r.trainSeconds());
        }
        System.out.printf(Locale.ROOT, "%nCAM overlays: %s (summary picture: %s)%nwhole demo: %.0f s%n", rows.get(0).overlays(), out.resolve("cams-summary.png"),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
