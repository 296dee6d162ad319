package dev.weaktr.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with loss, lr and ETA on a terminal; one line per epoch otherwise (CI logs). A round is
 * named as {@code log.jsonl} names it: "epoch", or "round" for methods counted in iterations.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final long totalSteps;
    private long doneSteps;

    private final String round;

    public Progress(PrintStream out, long totalSteps, long alreadyDone, String round) {
        this.out = out;
        this.round = round;
        this.terminal = System.console() != null;
        this.totalSteps = totalSteps;
        this.doneSteps = alreadyDone;
        this.skipped = alreadyDone;
    }

    private final long skipped;

    /** Reports one finished step of {@code epoch}. */
    public void step(int epoch, int epochs, int stepInEpoch, int stepsPerEpoch, double loss, double lr) {
        doneSteps++;
        boolean epochEnd = stepInEpoch == stepsPerEpoch;
        if (!terminal && !epochEnd) {
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double perStep = elapsed / Math.max(1, doneSteps - skipped);
        long eta = Math.round(perStep * (totalSteps - doneSteps));
        int width = 24;
        int filled = (int) Math.round(width * stepInEpoch / (double) stepsPerEpoch);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format(Locale.ROOT, "%s %d/%d [%s] %d/%d loss %.4f lr %.2e ETA %02d:%02d",
                round, epoch + 1, epochs, bar, stepInEpoch, stepsPerEpoch, loss, lr, eta / 60, eta % 60);
        if (terminal) {
            out.print("\r" + line + (epochEnd ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
