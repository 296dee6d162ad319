package dev.weaktr.cli;

import dev.weaktr.report.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "One self-contained HTML page comparing runs and their CAMS, SEEDS and PRED folders on one dataset split.")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "dataset root the outputs were made from")
    Path data;

    @Option(names = "--split", required = true, description = "the split the outputs cover (and the gallery shows)")
    String split;

    @Option(names = "--out", defaultValue = "report.html", description = "HTML file to write. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--images", defaultValue = "8", description = "gallery rows. Default: ${DEFAULT-VALUE}")
    int images;

    @Option(names = "--worst", description = "the worst-scoring images first in the gallery (mean per-image mIoU over the rows)")
    boolean worst;

    @Parameters(arity = "1..*", paramLabel = "FOLDER", description = "run folders (train-cam, retrain) and CAMS, SEEDS and PRED folders")
    List<Path> folders;

    @Override
    public Integer call() {
        Report.Result r = Report.write(new Report.Options(data, split, folders, out, images, worst));
        System.out.printf(Locale.ROOT, "%d rows, %d charts, %d gallery rows, %.1f KB in %.1f s%n-> %s%n", r.rows(), r.charts(),
                r.galleryRows(), r.bytes() / 1024.0, r.seconds(), r.file());
        return 0;
    }
}
