package dev.weaktr.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Npy;
import dev.weaktr.spark.cli.SparkMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs with local[2] (one context for all tests) against the single-machine CLI on the same generated data
 * and tiny models: the same files (CAMs to 1e-6, identical masks), resumption, and the user errors.
 */
class SparkJobsTest {
    @TempDir
    static Path tmp;
    static JavaSparkContext sc;
    static SparkContexts.Opened opened;
    static Path data, camRun, segRun, cams, seeds, seedsCrf, pred;

    static void core(String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = dev.weaktr.cli.Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(args), String.join(" ", args) + ": " + err);
    }

    /** Exit code and stderr of the Spark CLI. */
    record Run(int code, String err) {}

    static Run spark(String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = SparkMain.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    @BeforeAll
    static void singleMachine() {
        opened = SparkContexts.open("local[2]", "weaktr tests");
        sc = opened.context();
        data = tmp.resolve("data");
        core("synth", "--out", data.toString(), "--train", "6", "--val", "4", "--size", "64", "--seed", "4");
        camRun = tmp.resolve("cam");
        core("train-cam", "--data", data.toString(), "--out", camRun.toString(), "--model", "cpu-demo", "--epochs", "1",
                "--batch", "4", "--crop", "64");
        cams = tmp.resolve("cams");
        core("cams", "--run", camRun.toString(), "--data", data.toString(), "--split", "train", "--out", cams.toString());
        seeds = tmp.resolve("seeds");
        core("seeds", "--cams", cams.toString(), "--bg", "0.4", "--out", seeds.toString());
        seedsCrf = tmp.resolve("seeds-crf");
        core("seeds", "--cams", cams.toString(), "--bg", "0.4", "--out", seedsCrf.toString(), "--crf", "weaktr-cam-voc");
        segRun = tmp.resolve("seg");
        core("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", segRun.toString(), "--model", "cpu-demo",
                "--crop", "64", "--epochs", "1", "--batch", "4", "--lr", "0.01", "--init-from", camRun.toString());
        pred = tmp.resolve("pred");
        core("segment", "--run", segRun.toString(), "--data", data.toString(), "--split", "val", "--out", pred.toString(),
                "--scales", "0.75,1.0", "--save-probs");
        core("eval", "--pred", pred.toString(), "--data", data.toString(), "--split", "val");
    }

    @AfterAll
    static void stop() {
        opened.close();
    }

    static List<String> ids(Path dir, String index) throws IOException {
        return Files.readAllLines(dir.resolve(index)).stream().filter(l -> !l.isBlank()).map(l -> l.split("\t")[0]).toList();
    }

    @Test
    void camsEqualTheSingleMachineOnesAndTheModelLoadsOncePerJvm() throws Exception {
        Path out = tmp.resolve("spark-cams");
        Path run = tmp.resolve("cam-copy"); // a run no other test loads
        Files.createDirectories(run);
        try (Stream<Path> files = Files.list(camRun)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, run.resolve(f.getFileName()));
            }
        }
        int loads = ExecutorModels.loads();
        SparkCams.Result r = SparkCams.run(sc, run.toString(), "file://" + data, "train", out.toUri().toString(),
                SparkCams.Settings.defaults());
        assertEquals(6, r.images());
        assertEquals(6, r.computed());
        assertEquals(loads + 1, ExecutorModels.loads(), "one load for the whole job (2 task threads, several partitions)");
        assertEquals(Files.readString(cams.resolve("cams.tsv")), Files.readString(out.resolve("cams.tsv")));
        com.fasterxml.jackson.databind.node.ObjectNode source = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(out.resolve("cams.json").toFile());
        assertEquals(run.toString(), source.get("run").asText());
        source.put("run", camRun.toString());
        assertEquals(new ObjectMapper().readTree(cams.resolve("cams.json").toFile()), source);
        for (String id : ids(cams, "cams.tsv")) {
            Npy.FloatArray a = Npy.read(cams.resolve(id + ".npy")), b = Npy.read(out.resolve(id + ".npy"));
            assertArrayEquals(a.shape(), b.shape());
            for (int i = 0; i < a.data().length; i++) {
                assertEquals(a.data()[i], b.data()[i], 1e-6, id + " at " + i);
            }
            assertTrue(Files.isRegularFile(out.resolve("overlays").resolve(id + ".png")));
        }
        assertEquals(List.of(), hidden(out), "no temporary files left");
        // the same run again in this JVM: no new load
        SparkCams.run(sc, run.toString(), data.toString(), "train", tmp.resolve("spark-cams-2").toString(),
                SparkCams.Settings.defaults());
        assertEquals(loads + 1, ExecutorModels.loads());
    }

    @Test
    void seedsWithAndWithoutCrfAreTheSingleMachineMasks() throws Exception {
        for (String crf : List.of("none", "weaktr-cam-voc")) {
            Path out = tmp.resolve("spark-seeds-" + crf);
            Run r = spark("spark", "seeds", "--cams", cams.toString(), "--bg", "0.4", "--out", out.toString(), "--crf", crf,
                    "--master", "local[2]");
            assertEquals(0, r.code(), r.err());
            Path expected = crf.equals("none") ? seeds : seedsCrf;
            assertEquals(Files.readString(expected.resolve("seeds.txt")), Files.readString(out.resolve("seeds.txt")));
            assertEquals(Files.readString(expected.resolve("seeds.json")), Files.readString(out.resolve("seeds.json")));
            for (String id : Files.readAllLines(expected.resolve("seeds.txt"))) {
                assertArrayEquals(LabelPng.read(expected.resolve(id + ".png")).labels(), LabelPng.read(out.resolve(id + ".png")).labels(),
                        crf + " " + id);
            }
        }
    }

    @Test
    void segmentAndEvalAreTheSingleMachineOnes() throws Exception {
        Path out = tmp.resolve("spark-pred");
        Run r = spark("spark", "segment", "--run", segRun.toString(), "--data", data.toUri().toString(), "--split", "val",
                "--out", out.toUri().toString(), "--scales", "0.75,1.0", "--save-probs");
        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(pred.resolve("pred.txt")), Files.readString(out.resolve("pred.txt")));
        assertEquals(Files.readString(pred.resolve("pred.json")), Files.readString(out.resolve("pred.json")));
        for (String id : Files.readAllLines(pred.resolve("pred.txt"))) {
            assertArrayEquals(LabelPng.read(pred.resolve(id + ".png")).labels(), LabelPng.read(out.resolve(id + ".png")).labels(), id);
            float[] a = Npy.read(pred.resolve(id + ".npy")).data(), b = Npy.read(out.resolve(id + ".npy")).data();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6, id + " probs at " + i);
            }
            assertTrue(Files.isRegularFile(out.resolve("overlays").resolve(id + ".png")));
        }
        Run e = spark("spark", "eval", "--pred", out.toString(), "--data", data.toString(), "--split", "val");
        assertEquals(0, e.code(), e.err());
        JsonNode single = new ObjectMapper().readTree(pred.resolve("metrics.json").toFile());
        JsonNode reduced = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(single.get("confusion"), reduced.get("confusion"));
        assertEquals(single.get("mIoU").asDouble(), reduced.get("mIoU").asDouble(), 1e-12);
        assertEquals(single.get("pixel_accuracy").asDouble(), reduced.get("pixel_accuracy").asDouble(), 1e-12);
        assertEquals(single.get("per_class"), reduced.get("per_class"));
        assertEquals(3, single.get("baselines").size());
        assertEquals(single.get("baselines"), reduced.get("baselines")); // sweeps summed across executors
        // a hand check of the reduction: the confusion matrix counts every labelled pixel of the 4 val masks once
        long pixels = 0;
        for (JsonNode row : reduced.get("confusion")) {
            for (JsonNode n : row) {
                pixels += n.asLong();
            }
        }
        long labelled = 0;
        for (String id : Files.readAllLines(pred.resolve("pred.txt"))) {
            for (byte b : LabelPng.read(data.resolve("SegmentationClass").resolve(id + ".png")).labels()) {
                labelled += (b & 0xff) != 255 ? 1 : 0;
            }
        }
        assertEquals(labelled, pixels);
    }

    @Test
    void aRestartedJobSkipsTheImagesAlreadyWritten() throws Exception {
        Path out = tmp.resolve("resume");
        SparkCams.run(sc, camRun.toString(), data.toString(), "train", out.toString(), SparkCams.Settings.defaults());
        List<String> ids = ids(cams, "cams.tsv");
        // as after a failure: the index files missing, two images not done, and a done image marked so that a
        // recomputation would show
        Files.delete(out.resolve("cams.tsv"));
        Files.delete(out.resolve("cams.json"));
        for (String id : ids.subList(0, 2)) {
            Files.delete(out.resolve(id + ".npy"));
            Files.delete(out.resolve("overlays").resolve(id + ".png"));
        }
        Path marked = out.resolve(ids.get(3) + ".npy");
        Npy.FloatArray kept = Npy.read(marked);
        float[] sentinel = new float[kept.data().length];
        java.util.Arrays.fill(sentinel, 7f);
        Npy.write(marked, sentinel, kept.shape());
        // and the temporary files of a task killed mid-write
        Files.writeString(out.resolve("." + ids.get(0) + ".npy.0b5c3d2e-1f2a-4b3c-8d4e-5f6a7b8c9d0e.tmp"), "partial");
        Files.writeString(out.resolve("overlays/." + ids.get(1) + ".png.1b5c3d2e-1f2a-4b3c-8d4e-5f6a7b8c9d0e.tmp"), "partial");
        SparkCams.Result r = SparkCams.run(sc, camRun.toString(), data.toString(), "train", out.toString(),
                SparkCams.Settings.defaults());
        assertEquals(6, r.images());
        assertEquals(2, r.computed());
        assertEquals(List.of(), hidden(out), "the temporary files of the killed run are gone");
        assertEquals(7f, Npy.read(marked).data()[0], "a done image is not recomputed");
        assertEquals(Files.readString(cams.resolve("cams.tsv")), Files.readString(out.resolve("cams.tsv")),
                "the index covers the images of both runs");
        for (String id : ids.subList(0, 2)) {
            assertArrayEquals(Npy.read(cams.resolve(id + ".npy")).data(), Npy.read(out.resolve(id + ".npy")).data(), 1e-6f);
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingHalfWritten() throws Exception {
        Path out = tmp.resolve("bad");
        String[][] cases = {
            {"spark", "cams", "--run", camRun.toString(), "--data", data.toString(), "--split", "train", "--out", out.toString(),
                "--master", "spark://127.0.0.1:1"},
            {"spark", "cams", "--run", camRun.toString(), "--data", "foo://host/data", "--split", "train", "--out", out.toString()},
            {"spark", "cams", "--run", tmp.resolve("no-such-run").toString(), "--data", data.toString(), "--split", "train",
                "--out", out.toString()},
            {"spark", "segment", "--run", camRun.resolve("run.json").toString(), "--data", data.toString(), "--split", "val",
                "--out", out.toString()},
            {"spark", "seeds", "--cams", out.toString(), "--bg", "0.4", "--out", out.resolve("s").toString()},
        };
        String[] named = {"spark://127.0.0.1:1", "foo", "no-such-run", "run.json", out.toString()};
        for (int i = 0; i < cases.length; i++) {
            Run r = spark(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("weaktr: error: ") && r.err().contains(named[i]), r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", cases[i]));
        }
        // an image an executor cannot read: the task's error comes back as one line; what was written is whole
        Path broken = tmp.resolve("broken");
        core("synth", "--out", broken.toString(), "--train", "6", "--val", "1", "--size", "64", "--seed", "4");
        String missing = Files.readAllLines(broken.resolve("ImageSets/Segmentation/train.txt")).get(4);
        Files.delete(broken.resolve("JPEGImages").resolve(missing + ".jpg"));
        Run r = spark("spark", "cams", "--run", camRun.toString(), "--data", broken.toString(), "--split", "train", "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(missing + ".jpg"), r.err());
        assertFalse(Files.exists(out.resolve("cams.tsv")));
        assertFalse(Files.exists(out.resolve("cams.json")));
        assertEquals(List.of(), hidden(out));
        try (Stream<Path> files = Files.list(out)) {
            for (Path npy : files.filter(f -> f.toString().endsWith(".npy")).toList()) {
                assertEquals(3, Npy.read(npy).shape().length, "whole file " + npy);
            }
        }
    }

    /** Temporary (hidden) files under a folder. */
    static List<Path> hidden(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        }
    }
}
