package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that does diverge stops with one line naming the first non-finite tensor and its step. */
class DivergenceMessageTest {
    @TempDir
    Path tmp;

    @Test
    void anAbsurdLearningRateStopsNamingTheFirstNonFiniteTensorAndItsStep() {
        Path data = tmp.resolve("data");
        assertEquals(0, Cli.run("synth", "--out", data.toString(), "--train", "4", "--val", "1", "--size", "32").code());
        Cli.Run r = Cli.run("train-cam", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--model",
                "cpu-demo", "--crop", "32", "--batch", "2", "--epochs", "30", "--lr", "1", "--weight-decay", "10000"); // 2 steps an epoch: the guard counts across epochs
        // AdamW multiplies the weights by (1 - lr·wd) = -38 per step: they overflow within ~25 steps
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("10 steps in a row had a non-finite loss or gradient; the first went non-finite at step "),
                r.err());
        assertTrue(r.err().matches("(?s).*at step \\d+: (activation|loss term|gradient of) .*"), r.err());
    }
}
