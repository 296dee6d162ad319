package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end smoke through the CLI on a tiny generated dataset: synth, train-cam (1 epoch), cams,
 * eval-cam (metrics.json), seeds; then the user errors every command must report with exit code 2.
 */
class CamPipelineCliTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path run;
    static Path cams;

    /** Runs the CLI capturing stderr; returns {exit code, stderr}. */
    static Object[] cli(String... args) {
        Cli.Run r = Cli.run(args);
        return new Object[] {r.code(), r.err()};
    }

    @BeforeAll
    static void pipeline() {
        data = tmp.resolve("data");
        run = tmp.resolve("run");
        cams = tmp.resolve("cams");
        assertEquals(0, cli("synth", "--out", data.toString(), "--train", "8", "--val", "4", "--size", "64", "--seed", "1")[0]);
        assertEquals(0, cli("train-cam", "--data", data.toString(), "--out", run.toString(), "--model", "cpu-demo",
                "--epochs", "1", "--batch", "4", "--crop", "64", "--lr", "0.1")[0]);
        assertEquals(0, cli("cams", "--run", run.toString(), "--data", data.toString(), "--split", "val",
                "--out", cams.toString(), "--scales", "1.0,1.5")[0]);
        assertEquals(0, cli("eval-cam", "--cams", cams.toString(), "--data", data.toString(), "--split", "val")[0]);
    }

    @Test
    void camsAreNumpyFilesOfTheLabelledClassesInUnitRange() {
        VocDataset ds = VocDataset.open(data, "val");
        CamStore store = CamStore.open(cams);
        for (String id : ds.ids()) {
            int[] labelled = ds.labelIndices(id);
            CamStore.Entry e = store.entry(id);
            assertEquals(java.util.Arrays.toString(labelled), java.util.Arrays.toString(e.classes()));
            Npy.FloatArray a = Npy.read(cams.resolve(id + ".npy"));
            assertEquals(labelled.length, a.shape()[0]);
            assertEquals(64, a.shape()[1]);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float v : a.data()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(min >= 0 && min < 1e-6 && max > 0.99 && max <= 1.0, "min-max normalised: " + min + ".." + max);
            assertTrue(Files.isRegularFile(cams.resolve("overlays").resolve(id + ".png")));
        }
    }

    @Test
    void metricsJsonAgreesWithSeedsScoredIndependently() throws Exception {
        JsonNode m = new ObjectMapper().readTree(cams.resolve("metrics.json").toFile());
        double threshold = m.get("threshold").asDouble();
        double miou = m.get("mIoU").asDouble();
        assertTrue(m.has("precision") && m.has("recall") && m.get("per_class").size() == 6);
        assertEquals(61, m.get("curve").size());
        assertEquals(3, m.get("baselines").size(), "eval-cam scores the baselines by default");
        assertEquals(java.util.List.of("gaussian", "saliency", "background"), java.util.List.of(
                m.get("baselines").get(0).get("name").asText(), m.get("baselines").get(1).get("name").asText(),
                m.get("baselines").get(2).get("name").asText()));

        Path seeds = tmp.resolve("seeds");
        assertEquals(0, cli("seeds", "--cams", cams.toString(), "--bg", Double.toString(threshold), "--out", seeds.toString())[0]);
        VocDataset ds = VocDataset.open(data, "val");
        ConfusionMatrix cm = new ConfusionMatrix(6);
        for (String id : ds.ids()) {
            cm.add(ds.readMask(id).labels(), LabelPng.read(seeds.resolve(id + ".png")).labels());
        }
        assertEquals(100 * cm.meanIou(), miou, 1e-9, "eval-cam's best-threshold mIoU = mIoU of the seeds at that threshold");
    }

    @Test
    void crfSeedsAreScoredByEvalCamAsTheyAreWritten() throws Exception {
        Path crfCams = tmp.resolve("cams-crf");
        java.nio.file.Files.createDirectories(crfCams);
        try (var files = java.nio.file.Files.list(cams)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    java.nio.file.Files.copy(f, crfCams.resolve(f.getFileName()));
                }
            }
        }
        assertEquals(0, cli("eval-cam", "--cams", crfCams.toString(), "--data", data.toString(), "--split", "val",
                "--crf", "weaktr-cam-voc", "--crf-bg", "0.3")[0]);
        JsonNode m = new ObjectMapper().readTree(crfCams.resolve("metrics.json").toFile());
        assertEquals("weaktr-cam-voc", m.get("crf").asText());
        Path seeds = tmp.resolve("seeds-crf");
        assertEquals(0, cli("seeds", "--cams", crfCams.toString(), "--bg", "0.3", "--crf", "weaktr-cam-voc",
                "--threads", "2", "--out", seeds.toString())[0]);
        VocDataset ds = VocDataset.open(data, "val");
        ConfusionMatrix cm = new ConfusionMatrix(6);
        boolean changed = false;
        Path plain = tmp.resolve("seeds-plain");
        assertEquals(0, cli("seeds", "--cams", crfCams.toString(), "--bg", "0.3", "--out", plain.toString())[0]);
        for (String id : ds.ids()) {
            byte[] refined = LabelPng.read(seeds.resolve(id + ".png")).labels();
            cm.add(ds.readMask(id).labels(), refined);
            changed |= !java.util.Arrays.equals(refined, LabelPng.read(plain.resolve(id + ".png")).labels());
            int[] allowed = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(0),
                    java.util.Arrays.stream(ds.labelIndices(id))).toArray();
            for (byte b : refined) {
                assertTrue(java.util.Arrays.stream(allowed).anyMatch(a -> a == (b & 0xff)), "CRF keeps the image's label set");
            }
        }
        assertTrue(changed, "the CRF must change some seeds");
        assertEquals(100 * cm.meanIou(), m.get("mIoU_crf").asDouble(), 1e-9);
        assertEquals(2, cli("seeds", "--cams", crfCams.toString(), "--bg", "0.3", "--crf", "pydensecrf", "--out", seeds.toString())[0]);
    }

    @Test
    void userErrorsExitTwoWithOneReadableLine() {
        Object[][] cases = {
            cli("train-cam", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("r2").toString()),
            cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("r3").toString(), "--fusion", "magic"),
            cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("r4").toString(), "--model", "huge"),
            cli("train-cam", "--data", data.toString(), "--out", run.toString(), "--model", "cpu-demo", "--batch", "4"),
            cli("cams", "--run", tmp.resolve("norun").toString(), "--data", data.toString(), "--split", "val", "--out", tmp.resolve("c2").toString()),
            cli("cams", "--run", run.toString(), "--data", data.toString(), "--split", "test", "--out", tmp.resolve("c3").toString()),
            cli("seeds", "--cams", cams.toString(), "--bg", "1.7", "--out", tmp.resolve("s2").toString()),
            cli("eval-cam", "--cams", tmp.resolve("nocams").toString(), "--data", data.toString(), "--split", "val"),
            cli("train-cam", "--data", data.toString()),
            cli("synth", "--out", tmp.resolve("x").toString(), "--train", "many"),
        };
        String[] mustName = {"nope", "magic", "huge", "--resume", "norun", "test", "--bg", "nocams", "--out", "many"};
        for (int i = 0; i < cases.length; i++) {
            assertEquals(2, cases[i][0], "case " + i + ": " + cases[i][1]);
            String err = (String) cases[i][1];
            assertTrue(err.contains(mustName[i]), "case " + i + " should name '" + mustName[i] + "': " + err);
            assertFalse(err.contains("\tat "), "no stack trace for user errors: " + err);
        }
    }
}
