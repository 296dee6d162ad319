package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.io.LabelPng;
import dev.weaktr.seg.SegPredictor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Phase 2 through the CLI on tiny data: seeds → retrain → segment → eval, predict, and the user errors. */
class SegPipelineCliTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path seeds;
    static Path run;
    static Path pred;

    static void ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    }

    @BeforeAll
    static void pipeline() {
        data = tmp.resolve("data");
        ok("synth", "--out", data.toString(), "--train", "8", "--val", "4", "--size", "64", "--seed", "4");
        Path camRun = tmp.resolve("cam");
        ok("train-cam", "--data", data.toString(), "--out", camRun.toString(), "--model", "cpu-demo", "--epochs", "1",
                "--batch", "4", "--crop", "64");
        Path cams = tmp.resolve("cams");
        ok("cams", "--run", camRun.toString(), "--data", data.toString(), "--split", "train", "--out", cams.toString(),
                "--scales", "1.0", "--no-refine");
        seeds = tmp.resolve("seeds");
        ok("seeds", "--cams", cams.toString(), "--bg", "0.4", "--out", seeds.toString());
        run = tmp.resolve("seg");
        ok("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", run.toString(), "--model", "cpu-demo",
                "--crop", "64", "--epochs", "1", "--batch", "4", "--lr", "0.01", "--init-from", camRun.toString());
        pred = tmp.resolve("pred");
        ok("segment", "--run", run.toString(), "--data", data.toString(), "--split", "val", "--out", pred.toString(),
                "--scales", "0.75,1.0");
        ok("eval", "--pred", pred.toString(), "--data", data.toString(), "--split", "val");
    }

    @Test
    void evalMetricsEqualAConfusionMatrixOfTheWrittenMasks() throws Exception {
        VocDataset ds = VocDataset.open(data, "val");
        ConfusionMatrix cm = new ConfusionMatrix(6);
        for (String id : ds.ids()) {
            LabelPng.LabelMap p = LabelPng.read(pred.resolve(id + ".png"));
            assertEquals(64, p.width());
            cm.add(ds.readMask(id).labels(), p.labels());
            assertTrue(Files.isRegularFile(pred.resolve("overlays").resolve(id + ".png")));
        }
        JsonNode m = new ObjectMapper().readTree(pred.resolve("metrics.json").toFile());
        assertEquals(100 * cm.meanIou(), m.get("mIoU").asDouble(), 1e-9);
        assertEquals(6, m.get("per_class").size());
        assertTrue(Files.readString(pred.resolve("pred.txt")).contains(ds.ids().get(0)));
        // the log has one line per step with the kept fraction, and one per epoch
        List<String> log = Files.readAllLines(run.resolve("log.jsonl"));
        assertEquals(3, log.size());
        assertTrue(log.get(0).contains("\"kept\"") && log.get(0).contains("\"mean_loss\""));
    }

    @Test
    void predictWorksOnAnyImageSizeFromTheCliAndTheJavaApi() throws Exception {
        BufferedImage img = new BufferedImage(50, 37, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 37; y++) {
            for (int x = 0; x < 50; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | 128);
            }
        }
        Path file = tmp.resolve("odd.png");
        javax.imageio.ImageIO.write(img, "png", file.toFile());
        Path out = tmp.resolve("predict");
        ok("predict", "--run", run.toString(), "--out", out.toString(), "--scales", "1.0", "--save-probs", file.toString());
        LabelPng.LabelMap mask = LabelPng.read(out.resolve("odd.png"));
        assertEquals(50, mask.width());
        assertEquals(37, mask.height());
        assertTrue(Files.isRegularFile(out.resolve("odd_overlay.png")));
        try (SegPredictor p = SegPredictor.open(run, Device.cpu(), new SegPredictor.Settings(new double[] {1.0}, true, 0.8,
                java.util.Optional.empty()))) {
            SegPredictor.Prediction pr = p.predict(img);
            assertArrayEquals(mask.labels(), pr.labels().labels(), "CLI and Java API agree");
            // scores: softmax(block 2) + 0.8 softmax(block 1) averaged over the image and its mirror -> 1.8 per pixel
            float s = 0;
            for (int c = 0; c < pr.numClasses(); c++) {
                s += pr.scores()[c * 50 * 37 + 100];
            }
            assertEquals(1.8f, s, 1e-4f);
            // --save-probs wrote the same averaged scores, float32 [K, H, W]
            dev.weaktr.io.Npy.FloatArray probs = dev.weaktr.io.Npy.read(out.resolve("odd.npy"));
            assertArrayEquals(new int[] {pr.numClasses(), 37, 50}, probs.shape());
            assertArrayEquals(pr.scores(), probs.data(), 0f);
        }
        // ... which weaktr crf reads
        ok("crf", "--image", file.toString(), "--probs", out.resolve("odd.npy").toString(), "--out", out.resolve("odd-q.npy").toString(),
                "--preset", "weaktr-seg-voc");
        assertEquals(pr0Classes(), dev.weaktr.io.Npy.read(out.resolve("odd-q.npy")).shape()[0]);
        // a large image is covered by several windows: batching them must not change the result
        BufferedImage big = new BufferedImage(150, 110, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 110; y++) {
            for (int x = 0; x < 150; x++) {
                big.setRGB(x, y, ((x * 7) % 256) << 16 | ((y * 5) % 256) << 8 | ((x + y) % 256));
            }
        }
        float[][] scores = new float[2][];
        byte[][] masks = new byte[2][];
        long[] budgets = {1, Long.MAX_VALUE}; // one window per forward pass vs all windows at once
        for (int i = 0; i < 2; i++) {
            try (SegPredictor p = SegPredictor.open(run, Device.cpu(), new SegPredictor.Settings(new double[] {1.2}, false,
                    0.8, java.util.Optional.empty(), budgets[i]))) {
                SegPredictor.Prediction pr = p.predict(big);
                scores[i] = pr.scores();
                masks[i] = pr.labels().labels();
            }
        }
        assertArrayEquals(scores[0], scores[1], 1e-5f);
        assertArrayEquals(masks[0], masks[1], "budget-batched and unbatched masks");
    }

    @Test
    void retrainResumedAfterAnEpochEndsWhereAnUninterruptedRunEnds() {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String[] common = {"retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--model", "cpu-demo", "--crop", "64",
            "--recipe", "official", "--epochs", "2", "--batch", "4", "--lr", "0.01", "--seed", "3"};
        ok(concat(common, "--out", straight.toString()));
        // the same run, stopped after its first epoch by the test hook, then resumed from the CLI
        dev.weaktr.seg.SegTrainerAccess.trainOneEpochOfTwo(data, seeds, resumed);
        ok(concat(common, "--out", resumed.toString(), "--resume"));
        Map<String, float[]> a = dev.weaktr.io.SafeTensors.read(straight.resolve("checkpoint.safetensors")).tensors();
        Map<String, float[]> b = dev.weaktr.io.SafeTensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), 1e-6f, k);
        }
    }

    @Test
    void retrainKeepsTheBestValidationCheckpointAndSegmentCanUseIt() throws Exception {
        // retrain scored val by default (the synth data has masks): log.jsonl holds val_miou, checkpoint-best exists
        String log = Files.readString(run.resolve("log.jsonl"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"val_miou\":([-0-9.eE]+)").matcher(log);
        assertTrue(m.find(), log);
        double logged = Double.parseDouble(m.group(1));
        assertTrue(Files.isRegularFile(run.resolve("checkpoint-best.safetensors")));
        // the same scoring through segment (single scale, no flip, last block) + eval gives the logged score
        Path out = tmp.resolve("pred-best");
        ok("segment", "--run", run.toString(), "--data", data.toString(), "--split", "val", "--out", out.toString(),
                "--scales", "1.0", "--no-flip", "--layer-weight", "0", "--checkpoint", "best");
        ok("eval", "--pred", out.toString(), "--data", data.toString(), "--split", "val");
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(logged, metrics.get("mIoU").asDouble(), 1e-9);
    }

    private static int pr0Classes() {
        return dev.weaktr.seg.SegRun.read(run).net().numClasses();
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void seedsWithLabelsOutsideTheClassesAreRefused() throws Exception {
        Path bad = tmp.resolve("bad-seeds");
        Files.createDirectories(bad);
        VocDataset ds = VocDataset.open(data, "train");
        for (String id : ds.ids()) {
            Files.copy(seeds.resolve(id + ".png"), bad.resolve(id + ".png"));
        }
        String victim = ds.ids().get(0);
        LabelPng.LabelMap m = LabelPng.read(bad.resolve(victim + ".png"));
        byte[] labels = m.labels().clone();
        labels[5] = 9; // the synthetic dataset has 6 classes
        LabelPng.write(bad.resolve(victim + ".png"), new LabelPng.LabelMap(labels, m.width(), m.height()));
        Cli.Run r = Cli.run("retrain", "--data", data.toString(), "--seeds", bad.toString(), "--out",
                tmp.resolve("bad-run").toString(), "--model", "cpu-demo", "--crop", "64", "--epochs", "1", "--batch", "4");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(victim + ".png") && r.err().contains("label 9"), r.err());
        assertFalse(Files.exists(tmp.resolve("bad-run").resolve("checkpoint.safetensors")));
    }

    @Test
    void userErrorsExitTwoAndNameTheProblem() throws Exception {
        Path broken = tmp.resolve("broken.jpg");
        Files.write(broken, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, 5});
        Object[][] cases = {
            {Cli.run("predict", "--run", run.toString(), "--out", tmp.resolve("x6").toString(), broken.toString()), "broken.jpg"},
            {Cli.run("retrain", "--data", data.toString(), "--seeds", tmp.resolve("noseeds").toString(), "--out", tmp.resolve("x1").toString()), "noseeds"},
            {Cli.run("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", tmp.resolve("x2").toString(), "--decoder", "fancy"), "fancy"},
            {Cli.run("segment", "--run", tmp.resolve("cam").toString(), "--data", data.toString(), "--split", "val", "--out", tmp.resolve("x3").toString()), "retrain"},
            {Cli.run("eval", "--pred", tmp.resolve("nopred").toString(), "--data", data.toString(), "--split", "val"), "nopred"},
            {Cli.run("predict", "--run", run.toString(), "--out", tmp.resolve("x4").toString(), tmp.resolve("missing.jpg").toString()), "missing.jpg"},
            {Cli.run("segment", "--run", run.toString(), "--data", data.toString(), "--split", "val", "--out", tmp.resolve("x5").toString(), "--crf", "foo"), "foo"},
        };
        for (Object[] c : cases) {
            Cli.Run r = (Cli.Run) c[0];
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains((String) c[1]), "should name " + c[1] + ": " + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
