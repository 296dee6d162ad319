package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.io.LabelPng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SemFormer's pseudo-label chain from the CLI on tiny data: CRA CAMs → {@code train --method semformer --stage aff}
 * (affinity labels, AffinityNet, resume) → {@code pseudo --run SEG --aff-run AFF} → {@code eval} and {@code retrain} on
 * the labels; bad input as one line, exit 2.
 */
class SemFormerPseudoCliTest {
    @TempDir
    Path tmp;

    @Test
    void chainRunsEndToEndAndRefusesBadInput() throws Exception {
        Path data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(4, 2, 48, 3), data);
        Path caae = tmp.resolve("caae"), seg = tmp.resolve("seg"), cams = tmp.resolve("cams"), aff = tmp.resolve("aff");
        ok("train", "--method", "semformer", "--stage", "caae", "--data", data.toString(), "--out", caae.toString(),
                "--backbone", "cpu-demo", "--epochs", "1", "--batch", "2", "--crop", "32");
        ok("train", "--method", "semformer", "--stage", "seg", "--caae", caae.toString(), "--data", data.toString(), "--out",
                seg.toString(), "--backbone", "cpu-demo", "--epochs", "1", "--batch", "2", "--crop", "32");
        // stage 2 keeps its best epoch by the CAM mIoU of the mask logits on the held split (train_semformer.py)
        String segLog = Files.readAllLines(seg.resolve("log.jsonl")).get(0);
        assertTrue(segLog.contains("val_miou") && segLog.contains("best_epoch"), segLog);
        assertTrue(Files.isRegularFile(seg.resolve("checkpoint-best.safetensors")));
        ok("cams", "--run", seg.toString(), "--data", data.toString(), "--split", "train", "--out", cams.toString(),
                "--scales", "1.0");

        String[] train = {"train", "--method", "semformer", "--stage", "aff", "--cams", cams.toString(), "--data",
            data.toString(), "--out", aff.toString(), "--backbone", "cpu-demo", "--epochs", "2", "--batch", "2", "--crop", "80"};
        ok(train);
        assertTrue(Files.readString(aff.resolve("run.json")).contains("\"method\" : \"semformer-aff\""));
        assertTrue(Files.isRegularFile(aff.resolve("backbone.safetensors")));
        for (String id : Files.readAllLines(data.resolve("ImageSets/Segmentation/train.txt"))) {
            LabelPng.LabelMap labels = LabelPng.read(aff.resolve("labels").resolve(id + ".png"));
            assertEquals(48 * 48, labels.labels().length);
        }
        List<String> log = Files.readAllLines(aff.resolve("log.jsonl"));
        assertEquals(2, log.size());
        for (String term : new String[] {"loss_bg", "loss_fg", "loss_neg"}) {
            assertTrue(log.get(0).contains(term), log.get(0));
        }
        // --resume: the labels are kept, nothing is left to train
        String[] resume = java.util.Arrays.copyOf(train, train.length + 1);
        resume[train.length] = "--resume";
        Cli.Run again = Cli.run(resume);
        assertEquals(0, again.code(), again.err());
        assertEquals(2, Files.readAllLines(aff.resolve("log.jsonl")).size(), "nothing left to train");

        Path seeds = tmp.resolve("seeds");
        ok("pseudo", "--run", seg.toString(), "--aff-run", aff.toString(), "--data", data.toString(), "--split", "train",
                "--out", seeds.toString());
        assertEquals(4, Files.readAllLines(seeds.resolve("seeds.txt")).size());
        assertTrue(Files.readString(seeds.resolve("seeds.json")).contains("random walk"));
        ok("eval", "--pred", seeds.toString(), "--data", data.toString(), "--split", "train");
        ok("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", tmp.resolve("seg2").toString(),
                "--model", "cpu-demo", "--depth", "1", "--epochs", "1", "--crop", "48");

        // bad input: no affinity run, the wrong kind of run, another class list, --stage aff without --cams
        String out = tmp.resolve("p2").toString();
        expect("needs --aff-run", "pseudo", "--run", seg.toString(), "--data", data.toString(), "--split", "train", "--out", out);
        expect("not an AffinityNet run", "pseudo", "--run", seg.toString(), "--aff-run", seg.toString(), "--data",
                data.toString(), "--split", "train", "--out", out);
        expect("a SemFormer CAAE run", "pseudo", "--run", caae.toString(), "--aff-run", aff.toString(), "--data",
                data.toString(), "--split", "train", "--out", out);
        Path run = aff.resolve("run.json");
        Files.writeString(run, Files.readString(run).replace("speckled-star", "plain-star"));
        expect(run + ": the AffinityNet was trained for the classes", "pseudo", "--run", seg.toString(), "--aff-run",
                aff.toString(), "--data", data.toString(), "--split", "train", "--out", out);
        expect("--stage aff needs --cams", "train", "--method", "semformer", "--stage", "aff", "--data", data.toString(),
                "--out", tmp.resolve("a2").toString());
        expect("--crop 40", "train", "--method", "semformer", "--stage", "aff", "--cams", cams.toString(), "--data",
                data.toString(), "--out", tmp.resolve("a3").toString(), "--crop", "40");
        expect("no CAM of image", "train", "--method", "semformer", "--stage", "aff", "--cams", cams.toString(), "--data",
                data.toString(), "--split", "val", "--out", tmp.resolve("a4").toString(), "--backbone", "cpu-demo", "--crop", "80");
        assertFalse(Files.exists(Path.of(out)));
    }

    private static void ok(String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
    }

    private static void expect(String fragment, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
