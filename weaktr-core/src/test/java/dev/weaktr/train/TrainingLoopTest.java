package dev.weaktr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Parameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared loop on a one-parameter problem, loss w², plain SGD (lr 0.1: each update multiplies w by 0.8, by hand):
 * skipped steps neither update nor count, the guard counts across rounds and names the first skipped step, per-step
 * and per-round log lines carry what the trainers log.
 */
class TrainingLoopTest {
    @TempDir
    Path dir;

    /** loss = w², NaN (no backward) on the steps {@code bad} names. */
    private static TrainingLoop.Method square(Parameters params, LongPredicate bad) {
        return new TrainingLoop.Method() {
            @Override
            public void startRound(int round, SplittableRandom rng) {}

            @Override
            public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
                Map<String, Double> terms = new LinkedHashMap<>();
                if (bad.test(step)) {
                    terms.put("loss", Double.NaN);
                    return terms;
                }
                NDArray w = params.get("w");
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = w.mul(w).sum();
                    gc.backward(loss);
                    terms.put("loss", (double) loss.getFloat());
                }
                return terms;
            }

            @Override
            public void endRound(int roundsDone, Map<String, Object> record) {
                record.put("hook", roundsDone);
            }
        };
    }

    private static TrainingLoop.Config config(int rounds, int steps, boolean logSteps) {
        return new TrainingLoop.Config(rounds, steps, "epoch", (r, u) -> 0.1, 0, 1, logSteps);
    }

    @Test
    void aSkippedStepNeitherUpdatesNorCountsAndIsLogged() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters params = new Parameters(m, DataType.FLOAT32, 0);
            params.constant("w", 3f, 1);
            Sgd sgd = new Sgd(params, 0, false, 0, n -> 1.0);
            TrainingLoop loop = new TrainingLoop(new PrintStream(new ByteArrayOutputStream()));
            Map<String, Double> last = loop.run(dir, false, params, sgd, config(2, 3, true), square(params, s -> s == 1));
            assertEquals(3 * Math.pow(0.8, 5), params.get("w").getFloat(), 1e-6);
            assertEquals(5, sgd.step());
            // round 2's losses: w² at w = 3·0.8², 3·0.8³, 3·0.8⁴
            double mean = 9 * (Math.pow(0.8, 4) + Math.pow(0.8, 6) + Math.pow(0.8, 8)) / 3;
            assertEquals(mean, last.get("loss"), 1e-5);
            List<String> log = Files.readAllLines(dir.resolve("log.jsonl"));
            assertEquals(8, log.size(), String.join("\n", log)); // 5 updates, 1 skip, 2 rounds
            assertEquals("{\"step\":2,\"skipped\":true,\"non_finite\":\"loss term loss (NaN)\"}", log.get(1));
            assertTrue(log.get(3).startsWith("{\"epoch\":1,\"step\":2,\"lr\":0.1,\"loss\":"), log.get(3));
            assertTrue(log.get(3).contains("\"skipped_steps\":1,\"last_skip\":\"step 2: loss term loss (NaN)\""), log.get(3));
            assertTrue(log.get(3).endsWith(",\"hook\":1}"), log.get(3));
            assertTrue(log.get(7).contains("\"skipped_steps\":0,\"seconds\":"), log.get(7));
            assertEquals("2", Checkpoint.load(dir.resolve(Checkpoint.FILE), params, sgd).get("epoch"));
        }
    }

    @Test
    void theGuardCountsAcrossRoundsAndNamesTheFirstSkippedStep() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters params = new Parameters(m, DataType.FLOAT32, 0);
            params.constant("w", 3f, 1);
            Sgd sgd = new Sgd(params, 0, false, 0, n -> 1.0);
            TrainingLoop loop = new TrainingLoop(new PrintStream(new ByteArrayOutputStream()));
            // 4 steps a round; from global step 6 on every step is NaN: the 10th in a row is step 15, in round 4
            WeaktrException e = assertThrows(WeaktrException.class,
                    () -> loop.run(dir, false, params, sgd, config(5, 4, false), square(params, s -> s >= 6)));
            assertTrue(e.getMessage().startsWith("training diverged: 10 steps in a row had a non-finite loss or gradient; "
                    + "the first went non-finite at step 7: loss term loss (NaN)"), e.getMessage());
            List<String> log = Files.readAllLines(dir.resolve("log.jsonl"));
            assertEquals(3, log.size(), String.join("\n", log)); // rounds 1-3 finished
            // round 3 had no step through: its mean loss is NaN, as the CAM trainer logged it
            assertTrue(log.get(2).contains("\"loss\":\"NaN\"") || log.get(2).contains("\"loss\":NaN"), log.get(2));
            assertTrue(log.get(2).contains("\"skipped_steps\":4,\"last_skip\":\"step 7: loss term loss (NaN)\""), log.get(2));
        }
    }
}
