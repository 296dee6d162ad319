package dev.weaktr.cli;

import dev.weaktr.cam.CamPipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "seeds", mixinStandardHelpOptions = true,
        description = "Turn CAMs into seed masks (indexed PNG) with a constant background threshold.")
final class SeedsCommand implements Callable<Integer> {
    @Option(names = "--cams", required = true, description = "CAMS folder (from cams)")
    Path cams;

    @Option(names = "--bg", required = true, description = "background threshold in [0,1], e.g. the best threshold eval-cam reports")
    double bg;

    @Option(names = "--out", required = true, description = "SEEDS folder to write")
    Path out;

    @Option(names = "--crf", defaultValue = "none", description = "dense-CRF refinement preset, or none. Default: ${DEFAULT-VALUE}")
    String crf;

    @Override
    public Integer call() {
        if (!crf.equals("none")) {
            throw new dev.weaktr.WeaktrException("--crf " + crf + ": CRF refinement is not available in this version; use --crf none");
        }
        int n = CamPipeline.seeds(cams, bg, out);
        System.out.printf("wrote %d seed masks -> %s%n", n, out);
        return 0;
    }
}
