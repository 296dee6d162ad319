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
        // a WeakTr command given the AFA run says which run it is
        expect("weaktr-afa-run-1", "cams", "--run", run.toString(), "--data", data.toString(), "--split", "train", "--out",
                tmp.resolve("cams").toString());
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

    private static void expect(String fragment, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
