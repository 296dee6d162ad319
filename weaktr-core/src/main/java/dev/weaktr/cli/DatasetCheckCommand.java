package dev.weaktr.cli;

import dev.weaktr.data.check.CheckReport;
import dev.weaktr.data.check.DatasetChecker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Read a dataset once (lists, labels, every image and mask) and report its problems as a table, "
                + "with what weaktr does about each, and the label statistics. Exit 0: fine or warnings only; "
                + "2: errors (train-cam refuses the dataset).")
final class DatasetCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "dataset root")
    Path data;

    @Option(names = "--split", paramLabel = "S", description = "check only this split (default: every split in ImageSets/Segmentation)")
    String split;

    @Option(names = "--threads", paramLabel = "K", description = "worker threads (default: all processors)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr(), "dataset check");
        CheckReport report;
        try {
            report = DatasetChecker.check(data, split, threads, progress);
        } finally {
            progress.finish();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.render());
        out.flush();
        return report.exitCode();
    }
}
