package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.Manifests;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weaktr} command line: parses, calls the Java API, prints. */
@Command(
        name = "weaktr",
        mixinStandardHelpOptions = true,
        version = "weaktr 0.1.0",
        description = "Weakly-supervised semantic segmentation with WeakTr, on the JVM.",
        footer = "%nOn Apache Spark (module weaktr-spark, through the ./weaktr launcher): weaktr spark cams|seeds|segment|eval, "
                + "weaktr bench --spark. See weaktr spark --help.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main {
    /** Exit code for user errors (bad flags, missing files, data that does not fit). */
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (0 success, 2 user error, 1 bug). */
    public static int run(String... args) {
        // Never download anything: libtorch comes from the native jar on the class path.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        CommandLine cli = commandLine();
        Manifests.recordCommand(args);
        return cli.execute(args);
    }

    /** The command tree with weaktr's error handling; exposed for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        for (Object sub : Commands.all()) {
            cli.addSubcommand(sub);
        }
        return withErrorHandling(cli);
    }

    /**
     * weaktr's error handling on a command tree (also the Spark commands'): a {@link WeaktrException} anywhere in
     * the cause chain, or a bad flag, is one line on stderr and exit 2; anything else is a bug and propagates.
     */
    public static CommandLine withErrorHandling(CommandLine cli) {
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof WeaktrException)) {
                t = t.getCause();
            }
            if (t != null) {
                cmd.getErr().println("weaktr: error: " + t.getMessage());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            throw ex;
        });
        cli.setParameterExceptionHandler((ex, argv) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("weaktr: error: " + ex.getMessage());
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return USER_ERROR;
        });
        return cli;
    }
}
