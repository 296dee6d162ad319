package dev.weaktr.cli;

import ai.djl.Device;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.getam.GetamBenchmark;
import java.util.List;
import java.util.Locale;

/** The GETAM rows of {@code weaktr bench --getam}. */
final class GetamBench {
    private GetamBench() {}

    static String table(List<String> backbones, int size, int batch, int steps, Device device) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "GETAM (%s, %d cores, medians, random weights, 20 classes, 2 present per image)%n",
                device, Runtime.getRuntime().availableProcessors()));
        s.append("| backbone | input | batch | cls forward (ms) | full forward (ms) | per-class backward (ms) | phase-2 train step (ms) |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (String name : backbones) {
            GetamBenchmark.Row r = GetamBenchmark.run(DptVitConfig.preset(name), size, batch, steps, device);
            s.append(String.format(Locale.ROOT, "| %s | %d px | %d | %.0f | %.0f | %.0f | %.0f |%n", r.backbone(), r.size(),
                    r.batch(), r.clsForwardMs(), r.forwardMs(), r.perClassBackwardMs(), r.trainStepMs()));
            System.err.printf(Locale.ROOT, "%s: done%n", name);
        }
        return s.toString();
    }
}
