package dev.weaktr.cli;

import java.util.List;

/** The subcommands, in the order {@code weaktr --help} lists them. Add one line per command. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(
                new SynthCommand(),
                new CocoImportCommand(),
                new DatasetCommand(),
                new CorpusCommand(),
                new PretrainCommand(),
                new TrainCamCommand(),
                new TrainCommand(),
                new CamsCommand(),
                new PseudoCommand(),
                new SeedsCommand(),
                new EvalCamCommand(),
                new RetrainCommand(),
                new SegmentCommand(),
                new EvalCommand(),
                new ReportCommand(),
                new PredictCommand(),
                new CrfCommand(),
                new ImportCommand(),
                new ExportCommand(),
                new WeightsCommand(),
                new DemoCommand(),
                new BenchCommand(),
                new CrfBenchCommand());
    }
}
