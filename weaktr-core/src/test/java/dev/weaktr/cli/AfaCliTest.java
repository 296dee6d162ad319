package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weaktr train --method afa}: a run from the CLI, and bad input as one line with exit 2. */
class AfaCliTest {
    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void data() {
        data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(6, 2, 48, 3), data);
    }

    @Test
    void trainsAnAfaRunAndResumesIt() throws Exception {
        Path run = tmp.resolve("run");
        String[] args = {"train", "--method", "afa", "--data", data.toString(), "--out", run.toString(), "--backbone", "cpu-demo",
            "--iters", "2", "--batch", "2", "--crop", "64", "--checkpoint-every", "1"};
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"method\" : \"afa\""));
        assertEquals(2, Files.readAllLines(run.resolve("log.jsonl")).size());
        // a WeakTr-only command given the AFA run says which run it is and what it needs
        expect("'export' needs a run of method weaktr, but " + run + " was made by method afa", "export", "--run", run.toString(), "--out",
                tmp.resolve("x.safetensors").toString());
        Cli.Run again = Cli.run(args);
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void badInputIsOneLine() {
        Path run = tmp.resolve("x");
        expect("'train' knows afa", "train", "--method", "weaktr", "--data", data.toString(), "--out", run.toString());
        expect("multiples of 16", "train", "--method", "afa", "--data", data.toString(), "--out", run.toString(), "--crop", "72");
        expect("unknown MiT preset", "train", "--method", "afa", "--data", data.toString(), "--out", run.toString(),
                "--backbone", "mit-b9", "--crop", "64");
        expect("not a MiT", "train", "--method", "afa", "--data", data.toString(), "--out", run.toString(), "--backbone",
                "cpu-demo", "--crop", "64", "--iters", "1", "--pretrained", "src/test/resources/weights/deit_tiny.pth");
    }

    /** cams, eval-cam, seeds, pseudo, segment, eval and retrain on an AFA run, through the CLI. */
    @Test
    void theStepsAfterTrainingTakeAnAfaRun() throws Exception {
        Path d = tmp.resolve("data64");
        Synth.generate(SynthConfig.of(4, 2, 64, 5), d);
        Path run = tmp.resolve("afa");
        ok("train", "--method", "afa", "--data", d.toString(), "--out", run.toString(), "--backbone", "cpu-demo", "--iters", "2",
                "--batch", "2", "--crop", "64");
        Path cams = tmp.resolve("cams");
        ok("cams", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out", cams.toString());
        assertTrue(Files.isRegularFile(cams.resolve("cams.tsv")));
        ok("eval-cam", "--cams", cams.toString(), "--data", d.toString(), "--split", "train");
        ok("seeds", "--cams", cams.toString(), "--bg", "0.45", "--out", tmp.resolve("seeds").toString());
        Path pseudo = tmp.resolve("pseudo");
        ok("pseudo", "--run", run.toString(), "--data", d.toString(), "--split", "train", "--out", pseudo.toString());
        assertEquals(4, Files.readAllLines(pseudo.resolve("seeds.txt")).size());
        ok("eval", "--pred", pseudo.toString(), "--data", d.toString(), "--split", "train");
        Path pred = tmp.resolve("pred");
        ok("segment", "--run", run.toString(), "--data", d.toString(), "--split", "val", "--out", pred.toString(),
                "--resize-long", "0", "--crf", "afa");
        ok("eval", "--pred", pred.toString(), "--data", d.toString(), "--split", "val");
        ok("retrain", "--data", d.toString(), "--seeds", pseudo.toString(), "--out", tmp.resolve("seg").toString(), "--model",
                "cpu-demo", "--depth", "1", "--epochs", "1", "--crop", "64");
        // a WeakTr run where AFA's own labels are asked for; an AFA run where a WeakTr CAM run is
        expect("'pseudo' needs a run of method afa, but " + tmp.resolve("seg") + " was made by method weaktr", "pseudo", "--run",
                tmp.resolve("seg").toString(), "--data", d.toString(), "--split", "train", "--out", tmp.resolve("p2").toString());
        // a run.json written before the method field existed is WeakTr's
        Path manifest = tmp.resolve("seg").resolve("run.json");
        String json = Files.readString(manifest);
        assertTrue(json.contains("\"method\" : \"weaktr\""), json);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
        tree.remove("method");
        Files.writeString(manifest, mapper.writeValueAsString(tree));
        assertFalse(mapper.readTree(manifest.toFile()).has("method"));
        expect("was made by method weaktr", "pseudo", "--run", tmp.resolve("seg").toString(), "--data", d.toString(),
                "--split", "train", "--out", tmp.resolve("p3").toString());
        ok("segment", "--run", tmp.resolve("seg").toString(), "--data", d.toString(), "--split", "val", "--out",
                tmp.resolve("pred-seg").toString(), "--scales", "1.0", "--no-flip");
        expect("needs a run of method weaktr", "retrain", "--data", d.toString(), "--seeds", pseudo.toString(), "--out",
                tmp.resolve("seg2").toString(), "--model", "cpu-demo", "--init-from", run.toString());
    }

    /** An official checkpoint imported and run by predict gives the official inference's mask; bad checkpoints are refused. */
    @Test
    void importsAnOfficialCheckpoint() throws Exception {
        Path classes = tmp.resolve("classes.txt");
        Files.writeString(classes, "background\na\nb\nc\n");
        Path run = tmp.resolve("imported");
        Path fixtures = Path.of("src/test/resources/afa");
        ok("import", "--kind", "afa", "--from", fixtures.resolve("afa_tiny.pth").toString(), "--out", run.toString(),
                "--classes", classes.toString());
        Path out = tmp.resolve("masks");
        ok("predict", "--run", run.toString(), "--out", out.toString(), "--resize-long", "128",
                fixtures.resolve("afa_infer.png").toString());
        byte[] got = dev.weaktr.io.LabelPng.read(out.resolve("afa_infer.png")).labels();
        float[] want = dev.weaktr.io.WeightFile.read(fixtures.resolve("afa_infer_io.pth")).tensors().get("infer.msc_pred");
        int same = 0;
        for (int i = 0; i < want.length; i++) {
            same += (got[i] & 0xff) == (int) want[i] ? 1 : 0;
        }
        assertTrue(same >= 0.995 * want.length, same + " of " + want.length);

        Path five = tmp.resolve("five.txt");
        Files.writeString(five, "background\na\nb\nc\nd\ne\n");
        expect("--classes names 5 foreground classes but", "import", "--kind", "afa", "--from",
                fixtures.resolve("afa_tiny.pth").toString(), "--out", tmp.resolve("i2").toString(), "--classes", five.toString());
        expect("trained on 3 classes; give its class list", "import", "--kind", "afa", "--from",
                fixtures.resolve("afa_tiny.pth").toString(), "--out", tmp.resolve("i3").toString());
        expect("is not an official AFA checkpoint", "import", "--kind", "afa", "--from", "src/test/resources/weights/cam_tiny.pth",
                "--out", tmp.resolve("i4").toString());
        expect("holds a MiT of dims [16, 32, 40, 64]", "import", "--kind", "afa", "--from",
                fixtures.resolve("afa_tiny.pth").toString(), "--out", tmp.resolve("i5").toString(), "--classes", classes.toString(),
                "--model", "mit-b1");
    }

    /** {@code bench --afa}: a row from a real training step and segmentation (tiny sizes here; the row is MiT-B1 512). */
    @Test
    void benchHasAnAfaRow() {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        Cli.Run r;
        try {
            r = Cli.run("bench", "--afa", "cpu-demo", "--afa-crop", "64", "--afa-batch", "1", "--afa-steps", "1", "--work",
                    tmp.resolve("bench").toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(out.toString().contains("| mit-cpu-demo | 64 px | 1 | "), out.toString());
        expect("--methods: unknown method 'mctformer'", "demo", "--methods", "weaktr,mctformer", "--out", tmp.resolve("demo").toString());
    }

    private static void ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
    }

    private static void expect(String fragment, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
