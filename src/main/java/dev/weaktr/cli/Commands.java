package dev.weaktr.cli;

import java.util.List;

/** The subcommands, in the order {@code weaktr --help} lists them. Add one line per command. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(
                // commands are registered here
                new CrfCommand(),
                new CrfBenchCommand()
        );
    }
}
