package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.eval.CamValidation;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training writes checkpoints and logs, and a resumed run ends with the same parameters as one that was not interrupted. */
class CamTrainingTest {
    static final VitConfig TINY = new VitConfig("test-tiny", 8, 32, 2, 2, 2, 1e-6f, 0.1, 32);
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void makeData() {
        data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(12, 4, 48, 3), data);
    }

    static CamTrainConfig recipe(int epochs) {
        return new CamTrainConfig(epochs, 4, 0.5, 1e-6, 1e-5, 1, 0.05, 9,
                new AugmentConfig(32, 0.3, 1.0, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4), 0);
    }


    static CamNetConfig net(String fusion) {
        return new CamNetConfig(TINY, 5, fusion, AafConfig.DEFAULT);
    }

    @Test
    void resumeGivesTheSameParametersAsAnUninterruptedRun() {
        Path straight = tmp.resolve("straight");
        new CamTrainer(System.out).train(data, "train", straight, net("aaf"), recipe(3), Device.cpu(), false);

        Path resumed = tmp.resolve("resumed");
        new CamTrainer(System.out).train(data, "train", resumed, net("aaf"), recipe(1), Device.cpu(), false);
        // epoch 0 runs at the warm-up lr under either schedule, so this is "killed after epoch 1";
        // a later invocation with the full recipe continues from there
        rewriteEpochs(resumed, 3);
        new CamTrainer(System.out).train(data, "train", resumed, net("aaf"), recipe(3), Device.cpu(), true);

        SafeTensors.Content a = SafeTensors.read(straight.resolve(Checkpoint.FILE));
        SafeTensors.Content b = SafeTensors.read(resumed.resolve(Checkpoint.FILE));
        assertEquals("3", a.metadata().get("epoch"));
        assertEquals(a.metadata().get("step"), b.metadata().get("step"));
        for (Map.Entry<String, float[]> e : a.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), b.tensors().get(e.getKey()), 1e-6f, e.getKey());
        }
        assertTrue(a.tensors().keySet().stream().anyMatch(k -> k.startsWith("adaptive_attention_fusion.attn_head_ffn")));
    }

    @Test
    void aafRandTrainsItsHeadFfnAndKeepsItsQueryFixed() {
        Path one = tmp.resolve("rand1"), two = tmp.resolve("rand2");
        new CamTrainer(System.out).train(data, "train", one, net("aaf-rand"), recipe(1), Device.cpu(), false);
        new CamTrainer(System.out).train(data, "train", two, net("aaf-rand"), recipe(2), Device.cpu(), false);
        SafeTensors.Content a = SafeTensors.read(one.resolve(Checkpoint.FILE));
        SafeTensors.Content b = SafeTensors.read(two.resolve(Checkpoint.FILE));
        String q = "adaptive_attention_fusion.query";
        assertArrayEquals(new long[] {1, 4}, a.shapes().get(q)); // [1, depth·heads]
        assertArrayEquals(a.tensors().get(q), b.tensors().get(q), 0f, "the query is never learned (nor decayed)");
        String w = "adaptive_attention_fusion.attn_head_ffn.0.weight";
        assertTrue(!java.util.Arrays.equals(a.tensors().get(w), b.tensors().get(w)), "the head FFN learns");
    }

    @Test
    void bestCheckpointIsTheBestScoredEpochEvenWhenItIsNotTheLast() throws Exception {
        Path run = tmp.resolve("best");
        CamTrainConfig cfg = new CamTrainConfig(3, 4, 8.0, 1e-6, 1e-5, 1, 0.05, 5,
                new AugmentConfig(32, 0.3, 1.0, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4), 0);
        assertEquals("val", CamValidation.defaultSplit(data, "train", 4));
        java.util.List<String> classes = dev.weaktr.data.VocDataset.open(data, "train").classes().names();
        new CamTrainer(System.out).validate(new dev.weaktr.train.Validation.Plan<>(new CamValidation(data, "val", 4, classes), 1))
                .train(data, "train", run, net("aaf"), cfg, Device.cpu(), false);
        java.util.List<String> lines = Files.readAllLines(run.resolve("log.jsonl"));
        double[] scores = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"val_miou\":([-0-9.eE]+)").matcher(lines.get(i));
            assertTrue(m.find(), lines.get(i));
            scores[i] = Double.parseDouble(m.group(1));
        }
        int argmax = 0;
        for (int i = 1; i < scores.length; i++) {
            argmax = scores[i] > scores[argmax] ? i : argmax;
        }
        assertTrue(argmax < scores.length - 1, "this seed/lr must make an earlier epoch the best: " + java.util.Arrays.toString(scores));
        Path best = run.resolve(dev.weaktr.train.BestCheckpoint.FILE);
        assertEquals(Integer.toString(argmax + 1), SafeTensors.read(best).metadata().get("epoch"));
        // the best file really holds that epoch's weights: scored again it gives the logged best score
        try (NDManager m = NDManager.newBaseManager()) {
            CamValidation v = new CamValidation(data, "val", 4, CamRun.read(run).classes());
            double again = v.score(CamPipeline.load(run, m, "best"), m).value();
            assertEquals(scores[argmax], again, 1e-6);
            double last = v.score(CamPipeline.load(run, m, "last"), m).value();
            assertEquals(scores[scores.length - 1], last, 1e-6);
        }
    }

    /** The test stops a run after epoch 1 by training a 1-epoch recipe; make its manifest say 3 epochs. */
    private static void rewriteEpochs(Path run, int epochs) {
        CamRun m = CamRun.read(run);
        new CamRun(m.format(), m.weaktrVersion(), m.net(), m.classes(), recipe(epochs), m.data(), m.split(), m.device()).write(run);
    }

    @Test
    void checkpointOfAnotherClassCountIsRefusedWithBothShapes() throws Exception {
        Path run = tmp.resolve("five");
        new CamTrainer(System.out).train(data, "train", run, net("mean-sum"), recipe(1), Device.cpu(), false);
        assertTrue(Files.readString(run.resolve("log.jsonl")).contains("\"loss_cls\""));
        try (NDManager m = NDManager.newBaseManager()) {
            dev.weaktr.nn.Parameters p = new dev.weaktr.nn.Parameters(m, ai.djl.ndarray.types.DataType.FLOAT32, 0, false);
            new WeakTrCamNet(p, new CamNetConfig(TINY, 7, "mean-sum", AafConfig.DEFAULT));
            WeaktrException e = assertThrows(WeaktrException.class, () -> Checkpoint.load(run.resolve(Checkpoint.FILE), p, null));
            assertTrue(e.getMessage().contains("cls_token") && e.getMessage().contains("(1, 5, 32)")
                    && e.getMessage().contains("(1, 7, 32)"), e.getMessage());
        }
    }
}
