package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weaktr train --method semformer}: both stages from the CLI at CPU size, and bad input as one line, exit 2. */
class SemFormerCliTest {
    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void data() {
        data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(4, 2, 48, 3), data);
    }

    @Test
    void trainsBothStagesAndResumes() throws Exception {
        Path caae = tmp.resolve("caae");
        String[] stage1 = {"train", "--method", "semformer", "--stage", "caae", "--data", data.toString(), "--out",
            caae.toString(), "--backbone", "cpu-demo", "--epochs", "2", "--batch", "2", "--crop", "32"};
        Cli.Run r = Cli.run(stage1);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(caae.resolve("run.json")).contains("\"method\" : \"semformer-caae\""));
        List<String> log = Files.readAllLines(caae.resolve("log.jsonl"));
        assertEquals(2, log.size());
        assertTrue(log.get(0).contains("loss_recon") && log.get(0).contains("loss_ss"), log.get(0));
        assertTrue(log.get(0).contains("train_map") && log.get(0).contains("\"best\":true"), log.get(0));
        assertTrue(Files.exists(caae.resolve("checkpoint-best.safetensors")));

        Path seg = tmp.resolve("seg");
        String[] stage2 = {"train", "--method", "semformer", "--stage", "seg", "--caae", caae.toString(), "--data",
            data.toString(), "--out", seg.toString(), "--backbone", "cpu-demo", "--epochs", "1", "--batch", "2", "--crop", "32"};
        r = Cli.run(stage2);
        assertEquals(0, r.code(), r.err());
        String line = Files.readAllLines(seg.resolve("log.jsonl")).get(0);
        for (String term : new String[] {"loss_ss", "loss_cf", "loss_cb", "loss_as", "loss_ac"}) {
            assertTrue(line.contains(term), line);
        }
        assertTrue(Files.readString(seg.resolve("run.json")).contains("\"method\" : \"semformer\""));

        // CRA CAMs of the segmentor into a CAMS folder the seed/eval commands read
        Path cams = tmp.resolve("cams");
        r = Cli.run("cams", "--run", seg.toString(), "--data", data.toString(), "--split", "train", "--out", cams.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4, Files.readAllLines(cams.resolve("cams.tsv")).size());
        r = Cli.run("eval-cam", "--cams", cams.toString(), "--data", data.toString(), "--split", "train", "--erode", "7");
        assertEquals(0, r.code(), r.err());
        expect("a SemFormer CAAE run", "cams", "--run", caae.toString(), "--data", data.toString(), "--split", "train",
                "--out", tmp.resolve("c2").toString());

        // a second epoch by --resume
        String[] more = {"train", "--method", "semformer", "--stage", "caae", "--data", data.toString(), "--out",
            caae.toString(), "--backbone", "cpu-demo", "--epochs", "2", "--batch", "2", "--crop", "32", "--resume"};
        r = Cli.run(more);
        assertEquals(0, r.code(), r.err());
        assertEquals(2, Files.readAllLines(caae.resolve("log.jsonl")).size(), "nothing left to train");

        // the wrong stage as --caae
        expect("not a SemFormer CAAE run", "train", "--method", "semformer", "--stage", "seg", "--caae", seg.toString(),
                "--data", data.toString(), "--out", tmp.resolve("x").toString(), "--backbone", "cpu-demo", "--crop", "32");
        // a CAAE of another class list
        Path other = tmp.resolve("other");
        Synth.generate(SynthConfig.of(4, 2, 48, 3), other);
        Path names = other.resolve("classes.txt");
        Files.writeString(names, Files.readString(names).replace("speckled-star", "plain-star"));
        expect("trained for the classes", "train", "--method", "semformer", "--stage", "seg", "--caae", caae.toString(),
                "--data", other.toString(), "--out", tmp.resolve("y").toString(), "--backbone", "cpu-demo", "--crop", "32");
    }

    @Test
    void demoRowsRunEndToEnd() throws Exception {
        Path out = tmp.resolve("demo");
        Cli.Run r = Cli.run("demo", "--semformer", "--out", out.toString(), "--train", "4", "--cam-epochs", "1",
                "--seg-epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("semformer-cams").resolve("metrics.json")));
        assertTrue(Files.exists(out.resolve("semformer-caae").resolve("checkpoint-best.safetensors")));
    }

    @Test
    void badInputIsOneLine() {
        String out = tmp.resolve("x").toString();
        expect("--stage caae", "train", "--method", "semformer", "--data", data.toString(), "--out", out);
        expect("needs --caae", "train", "--method", "semformer", "--stage", "seg", "--data", data.toString(), "--out", out,
                "--backbone", "cpu-demo");
        expect("a SemFormer run folder", "train", "--method", "semformer", "--stage", "seg", "--caae", tmp.toString(),
                "--data", data.toString(), "--out", out, "--backbone", "cpu-demo");
        expect("multiple of 16", "train", "--method", "semformer", "--stage", "caae", "--data", data.toString(), "--out", out,
                "--crop", "40");
        expect("missing tensor 'blocks.2.norm1.weight'", "train", "--method", "semformer", "--stage", "caae", "--data", data.toString(), "--out", out,
                "--backbone", "cpu-demo", "--crop", "32", "--pretrained", "src/test/resources/weights/deit_tiny.pth");
        expect("expected caae or seg", "train", "--method", "semformer", "--stage", "both", "--data", data.toString(),
                "--out", out);
    }

    private static void expect(String fragment, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
