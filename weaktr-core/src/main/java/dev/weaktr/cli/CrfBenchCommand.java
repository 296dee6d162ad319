package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfBenchmark;
import dev.weaktr.crf.CrfConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weaktr crf-bench}: times dense-CRF inference on synthetic images. */
@Command(name = "crf-bench", mixinStandardHelpOptions = true,
        description = "Time the dense CRF: one image single-threaded (best of --repeats), and --images images "
                + "on 1 and on --threads threads. Defaults: 500x375, 21 and 3 labels, 10 iterations, weaktr-seg-voc.")
public final class CrfBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--width", defaultValue = "500", description = "image width (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--height", defaultValue = "375", description = "image height (default ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--labels", split = ",", defaultValue = "21,3", description = "label counts (default ${DEFAULT-VALUE})")
    List<Integer> labels;

    @Option(names = "--iterations", defaultValue = "10", description = "mean-field iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--images", defaultValue = "0", description = "images for the throughput rows (default: 2 x threads, at least 4)")
    int images;

    @Option(names = "--threads", defaultValue = "0", description = "threads for the parallel row (default: all cores)")
    int threads;

    @Option(names = "--repeats", defaultValue = "3", description = "single-image repeats, best kept (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--preset", defaultValue = "weaktr-seg-voc", description = "CRF preset (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the synthetic data (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        if (width < 1 || height < 1 || iterations < 0 || images < 0 || threads < 0 || repeats < 1
                || labels.stream().anyMatch(m -> m < 1)) {
            throw new WeaktrException("crf-bench: expected positive --width/--height/--repeats/--labels and "
                    + "non-negative --iterations/--images/--threads");
        }
        CrfBenchmark.Settings std = CrfBenchmark.Settings.standard(threads);
        CrfBenchmark.Settings s = new CrfBenchmark.Settings(width, height, labels, iterations,
                images > 0 ? images : std.images(), std.threads(), repeats, seed, CrfConfig.preset(preset));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("dense CRF, %s, %dx%d, %d iterations, %d cores available%n", preset, width, height, iterations,
                Runtime.getRuntime().availableProcessors());
        out.printf("%6s  %-10s  %7s  %6s  %9s  %9s  %9s  %7s%n", "labels", "mode", "threads", "images", "wall s",
                "s/image", "cpu s", "speedup");
        out.flush();
        for (CrfBenchmark.Row r : CrfBenchmark.run(s)) {
            String cpu = Double.isNaN(r.cpuSeconds()) ? "-" : String.format("%.3f", r.cpuSeconds());
            out.printf("%6d  %-10s  %7d  %6d  %9.3f  %9.3f  %9s  %7.2f%n", r.labels(), r.mode(), r.threads(), r.images(),
                    r.seconds(), r.secondsPerImage(), cpu, r.speedup());
            out.flush();
        }
        return 0;
    }
}
