package dev.weaktr.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/** Runs the CLI in-process for tests, capturing stderr (and stdout with {@link #withOutput}). */
public final class Cli {
    private Cli() {}

    /** The exit code and what the command wrote to stderr. */
    record Run(int code, String err) {}

    /** {exit code, stdout, stderr} of the picocli command tree (output written through picocli's writers). */
    public static Object[] withOutput(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        picocli.CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Object[] {code, out.toString(), err.toString()};
    }

    static Run run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            picocli.CommandLine cmd = Main.commandLine();
            cmd.setErr(new PrintWriter(err, true));
            return new Run(cmd.execute(args), err.toString());
        } finally {
            System.setErr(old);
        }
    }
}
