package dev.weaktr.cli;

import picocli.CommandLine.Command;

/** {@code weaktr dataset}: bring your own data (import, check). */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Bring your own data: 'dataset import' turns tagged images into a dataset, 'dataset check' reports what is wrong with one.",
        subcommands = {DatasetImportCommand.class, DatasetCheckCommand.class})
final class DatasetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
