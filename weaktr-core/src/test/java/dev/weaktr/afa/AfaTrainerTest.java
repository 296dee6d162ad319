package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.ForcedGc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AFA training on the shared loop: every term runs, and a resumed run ends bit-identical to an uninterrupted one. */
class AfaTrainerTest {
    @TempDir
    Path dir;

    @Test
    void resumedRunEqualsUninterruptedOne() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(8, 2, 48, 5), data);
        // 4 iterations, a checkpoint every 2, classifier-only throughout (cam_iters 3): the loop's resume path
        // (optimizer moments and step, BatchNorm buffers updated by the forward, per-round random streams).
        // With every term on: everyTermIsReproducibleResumableAndIndependentOfTheGarbageCollector.
        AfaTrainConfig cfg = AfaTrainConfig.builder(4, 2, 64).roundIterations(2).seed(7).lr(6e-4).warmupIterations(2)
                .camIterations(3).switchIteration(3).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new AfaTrainer(quiet).train(data, "train", dir.resolve("a"), "mit-cpu-demo", cfg, Device.cpu(), false, null);
        new AfaTrainer(quiet).train(data, "train", dir.resolve("b"), "mit-cpu-demo", cfg, Device.cpu(), false, null, 1);
        new AfaTrainer(quiet).train(data, "train", dir.resolve("b"), "mit-cpu-demo", cfg, Device.cpu(), true, null);
        Map<String, float[]> a = SafeTensors.read(dir.resolve("a/checkpoint.safetensors")).tensors();
        Map<String, float[]> b = SafeTensors.read(dir.resolve("b/checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertTrue(a.get("decoder.linear_fuse.bn.num_batches_tracked")[0] > 0, "BatchNorm statistics were updated");
    }

    /**
     * With every loss term on (classifier only at step 1, refined labels at step 2, random-walk labels from step 3),
     * a resumed run is bit-identical to an uninterrupted one, and a garbage collection between every forward and
     * backward pass changes nothing. Before the loss weights and divisors became libtorch tensors (Ops.scalar), the
     * graph kept tensors over Java buffers the GC frees: the GC run's weights differed and the runs were not
     * reproducible.
     */
    @Test
    void everyTermIsReproducibleResumableAndIndependentOfTheGarbageCollector() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(8, 2, 48, 5), data);
        AfaTrainConfig cfg = AfaTrainConfig.builder(4, 2, 64).roundIterations(2).seed(7).lr(6e-4).warmupIterations(1)
                .camIterations(1).switchIteration(2).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new AfaTrainer(quiet).train(data, "train", dir.resolve("a"), "mit-cpu-demo", cfg, Device.cpu(), false, null);
        new AfaTrainer(quiet).train(data, "train", dir.resolve("b"), "mit-cpu-demo", cfg, Device.cpu(), false, null, 1);
        new AfaTrainer(quiet).train(data, "train", dir.resolve("b"), "mit-cpu-demo", cfg, Device.cpu(), true, null);
        new AfaTrainer(quiet).beforeBackward(ForcedGc::collect)
                .train(data, "train", dir.resolve("c"), "mit-cpu-demo", cfg, Device.cpu(), false, null);
        List<String> log = losses(dir.resolve("a"));
        assertTrue(log.get(log.size() - 1).contains("loss_aff"), "the last round trains every term: " + log);
        Map<String, float[]> a = SafeTensors.read(dir.resolve("a/checkpoint.safetensors")).tensors();
        for (String run : new String[] {"b", "c"}) {
            Map<String, float[]> o = SafeTensors.read(dir.resolve(run + "/checkpoint.safetensors")).tensors();
            assertEquals(a.keySet(), o.keySet());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k), o.get(k), run + ": " + k);
            }
        }
        assertEquals(log, losses(dir.resolve("b")), "losses of the resumed run");
        assertEquals(log, losses(dir.resolve("c")), "losses with a GC before every backward");
    }

    /** log.jsonl without the wall-clock field. */
    private static List<String> losses(Path run) throws java.io.IOException {
        return Files.readAllLines(run.resolve("log.jsonl")).stream()
                .map(l -> l.replaceAll("\"seconds\":[^,}]*", "")).toList();
    }

    @Test
    void everyTermTrainsAndNormsStayFrozen() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(8, 2, 48, 5), data);
        // classifier only at step 0, all terms from step 1, random-walk labels from step 2
        AfaTrainConfig cfg = AfaTrainConfig.builder(3, 2, 64).roundIterations(3).seed(7).lr(6e-4).warmupIterations(1)
                .camIterations(0).switchIteration(1).build();
        AfaTrainer.Result r = new AfaTrainer(new PrintStream(new ByteArrayOutputStream())).train(data, "train",
                dir.resolve("a"), "mit-cpu-demo", cfg, Device.cpu(), false, null);
        assertTrue(Double.isFinite(r.last().get("loss_seg")) && Double.isFinite(r.last().get("loss_aff")), r.last().toString());
        assertEquals(1, Files.readAllLines(dir.resolve("a/log.jsonl")).size());
        assertEquals("afa", AfaRun.read(dir.resolve("a")).method());
        Map<String, float[]> w = SafeTensors.read(dir.resolve("a/checkpoint.safetensors")).tensors();
        for (float v : w.get("encoder.norm4.weight")) {
            assertEquals(1f, v); // lr 0 for the encoder's norm layers (official param group 1)
        }
        float[] q = w.get("encoder.block4.1.attn.q.weight");
        assertTrue(Double.isFinite(q[0]));
    }

    /** {@code --rloss}: the regularised loss joins the total once every term trains, and is logged. */
    @Test
    void rlossJoinsTheTotal() throws Exception {
        Path data = dir.resolve("data");
        Synth.generate(SynthConfig.of(8, 2, 48, 5), data);
        AfaTrainConfig cfg = AfaTrainConfig.builder(2, 2, 64).roundIterations(2).seed(7).lr(6e-4).warmupIterations(1)
                .camIterations(0).switchIteration(1).rloss(0.01).build();
        AfaTrainer.Result r = new AfaTrainer(new PrintStream(new ByteArrayOutputStream())).train(data, "train",
                dir.resolve("r"), "mit-cpu-demo", cfg, Device.cpu(), false, null);
        double reg = r.last().get("loss_reg");
        assertTrue(reg < 0 && Double.isFinite(reg), "the energy of a soft segmentation is negative: " + r.last());
        assertEquals(0.01, AfaRun.read(dir.resolve("r")).train().rloss());
    }
}
