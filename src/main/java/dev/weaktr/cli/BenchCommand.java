package dev.weaktr.cli;

import dev.weaktr.cam.CamBenchmark;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the CAM phase: bare forward+backward vs the full train step, and CAM inference images/s.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "cpu-demo,deit-small", description = "presets to time. Default: ${DEFAULT-VALUE}")
    List<String> models;

    @Option(names = "--steps", defaultValue = "8", description = "timed steps per measurement (after 2 warm-up steps). Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--batch", description = "batch size (default: 16 for cpu-demo, 8 otherwise)")
    Integer batch;

    @Option(names = "--work", description = "scratch folder (default: a temporary folder)")
    Path work;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        Path dir = work != null ? work : Files.createTempDirectory("weaktr-bench");
        List<CamBenchmark.Row> rows = new ArrayList<>();
        for (String name : models) {
            VitConfig vit = VitConfig.preset(name);
            int b = batch != null ? batch : name.equals("cpu-demo") ? 16 : 8;
            rows.add(CamBenchmark.run(vit, vit.imageSize(), b, steps, dir, device.resolve(), System.err));
        }
        System.out.println(table(rows, Runtime.getRuntime().availableProcessors()));
        return 0;
    }

    static String table(List<CamBenchmark.Row> rows, int cores) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "CAM phase benchmark (%d cores, medians)%n", cores));
        s.append("| model | input | batch | bare fwd+bwd (ms) | full train step (ms) | overhead | CAM inference (img/s, 3 scales + flip) |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (CamBenchmark.Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d px | %d | %.0f | %.0f | %+.1f %% | %.2f |%n", r.model(), r.size(),
                    r.batch(), r.bareMs(), r.fullMs(), r.overheadPercent(), r.camImagesPerSecond()));
        }
        return s.toString();
    }
}
