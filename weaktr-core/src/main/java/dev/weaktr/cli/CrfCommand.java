package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.CrfFiles;
import dev.weaktr.crf.CrfRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code weaktr crf}: refines probability maps with a dense CRF. */
@Command(name = "crf", mixinStandardHelpOptions = true,
        description = {"Refine per-pixel probabilities P [labels, H, W] (float32 .npy) with a dense CRF "
                + "(softmax unary -log(clip(P,1e-5,1)), Gaussian + bilateral Potts kernels).",
                "--image/--probs/--out may be repeated (same count); images then run in parallel on --threads."})
public final class CrfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, description = "RGB image (JPEG/PNG) at the probabilities' size")
    List<Path> images = new ArrayList<>();

    @Option(names = "--probs", required = true, description = "probabilities, float32 .npy [labels, H, W]")
    List<Path> probs = new ArrayList<>();

    @Option(names = "--out", required = true, description = "output Q .npy, same shape as --probs")
    List<Path> outs = new ArrayList<>();

    @Option(names = "--preset", required = true, description = "CRF parameters: one of ${COMPLETION-CANDIDATES}",
            completionCandidates = PresetNames.class)
    String preset;

    @Option(names = "--iterations", description = "mean-field iterations (default: the preset's)")
    Integer iterations;

    @Option(names = "--threads", description = "worker threads (default: all cores)", defaultValue = "0")
    int threads;

    /** Preset names for help and completion. */
    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            super(CrfConfig.presets().keySet());
        }
    }

    @Override
    public Integer call() {
        if (images.size() != probs.size() || images.size() != outs.size()) {
            throw new WeaktrException("--image, --probs and --out must be given the same number of times (got "
                    + images.size() + ", " + probs.size() + ", " + outs.size() + ")");
        }
        if (threads < 0) {
            throw new WeaktrException("--threads: expected ≥ 0 (0 = all cores), got " + threads);
        }
        CrfConfig cfg = CrfConfig.preset(preset);
        if (iterations != null) {
            if (iterations < 0) {
                throw new WeaktrException("--iterations: expected ≥ 0, got " + iterations);
            }
            cfg = cfg.withIterations(iterations);
        }
        List<CrfFiles.Job> jobs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            jobs.add(new CrfFiles.Job(images.get(i), probs.get(i), outs.get(i)));
        }
        int workers = Math.min(jobs.size(), threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        try (CrfRunner runner = new CrfRunner(workers)) {
            List<int[]> shapes = CrfFiles.refineAll(runner, jobs, cfg);
            for (int i = 0; i < jobs.size(); i++) {
                int[] s = shapes.get(i);
                spec.commandLine().getOut().printf("%s: %d labels, %dx%d, %d iterations (%s) -> %s%n",
                        jobs.get(i).image(), s[0], s[2], s[1], cfg.iterations(), cfg.name(), jobs.get(i).out());
            }
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
