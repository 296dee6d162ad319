package dev.weaktr.spark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of {@code weaktr spark ...} and {@code weaktr bench --spark} (the launcher sends those here; every
 * other command runs the core's {@link dev.weaktr.cli.Main}). Also the main class of the cluster jar for
 * spark-submit. Parses, calls the weaktr-spark Java API, prints.
 */
@Command(name = "weaktr", mixinStandardHelpOptions = true, version = "weaktr 0.1.0",
        description = "weaktr's steps as Apache Spark jobs.",
        subcommands = {SparkCommand.class, SparkBenchCommand.class, CommandLine.HelpCommand.class})
public final class SparkMain {
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        // weaktr's quiet log configuration, unless the user (or spark-submit's conf/) names one
        if (System.getProperty("log4j2.configurationFile") == null && System.getenv("SPARK_CONF_DIR") == null
                && System.getenv("SPARK_HOME") == null) {
            System.setProperty("log4j2.configurationFile", "weaktr-spark-log4j2.properties");
        }
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (0 success, 2 user error, 1 bug). */
    public static int run(String... args) {
        System.setProperty("ai.djl.offline", "true");
        return commandLine().execute(args);
    }

    /** The command tree with weaktr's error handling (a user error is one line and exit 2, even from an executor). */
    public static CommandLine commandLine() {
        return dev.weaktr.cli.Main.withErrorHandling(new CommandLine(new SparkMain()));
    }
}
