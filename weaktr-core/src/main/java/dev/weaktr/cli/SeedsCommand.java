package dev.weaktr.cli;

import dev.weaktr.cam.CamPipeline;
import dev.weaktr.crf.CrfConfig;
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

    @Option(names = "--crf", defaultValue = "none", description = "dense-CRF refinement preset (e.g. weaktr-cam-voc, weaktr-cam-coco), or none. Default: ${DEFAULT-VALUE}")
    String crf;

    @Option(names = "--threads", defaultValue = "0", description = "CRF worker threads (0 = all cores). Default: ${DEFAULT-VALUE}")
    int threads;

    @Override
    public Integer call() {
        int n = CamPipeline.seeds(cams, bg, CrfConfig.presetOrNone(crf), threads, out);
        System.out.printf("wrote %d seed masks%s -> %s%n", n, crf.equals("none") ? "" : " (CRF " + crf + ")", out);
        return 0;
    }
}
