package dev.weaktr.cli;

import dev.weaktr.data.coco.ImportProgress;
import java.io.PrintWriter;

/** A one-line "phase done/total" counter on stderr, redrawn at most every 200 ms; thread-safe. */
final class ProgressLine implements ImportProgress {
    private final PrintWriter err;
    private final String command;
    private long last;
    private boolean printed;

    ProgressLine(PrintWriter err, String command) {
        this.err = err;
        this.command = command;
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        long now = System.nanoTime();
        if (done != total && now - last < 200_000_000L) {
            return;
        }
        last = now;
        printed = true;
        err.print("\r" + command + ": " + phase + " " + done + (total >= 0 ? "/" + total : ""));
        err.flush();
    }

    /** Ends the line, if one was drawn. */
    synchronized void finish() {
        if (printed) {
            err.println();
            err.flush();
            printed = false;
        }
    }
}
