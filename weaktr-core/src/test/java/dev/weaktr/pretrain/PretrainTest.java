package dev.weaktr.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cli.Cli;
import dev.weaktr.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weaktr pretrain} end to end at toy size: the run folder, the log, a backbone under timm names that
 * {@code train-cam --pretrained RUN} takes, determinism from --seed, and --resume after --stop-after giving the same
 * weights as an uninterrupted run.
 */
class PretrainTest {
    @TempDir
    Path tmp;

    static String[] args(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("pretrain", "--out", out.toString(), "--corpus", "8", "--epochs", "2",
                "--batch", "4", "--local-crops", "2", "--global-size", "32", "--local-size", "16", "--out-dim", "32", "--head-hidden", "64"));
        a.addAll(List.of(extra));
        if (!a.contains("--seed")) {
            a.addAll(List.of("--seed", "3"));
        }
        return a.toArray(new String[0]);
    }

    static void ok(String... args) {
        Object[] r = Cli.withOutput(args);
        assertEquals(0, r[0], (String) r[2]);
    }

    @Test
    void pretrainsResumesDeterministicallyAndFeedsTrainCam() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        ok(args(a));
        for (String f : List.of("run.json", "checkpoint.safetensors", "log.jsonl", "backbone.safetensors")) {
            assertTrue(Files.isRegularFile(a.resolve(f)), f);
        }
        List<String> log = Files.readAllLines(a.resolve("log.jsonl"));
        assertEquals(2, log.size());
        JsonNode last = new ObjectMapper().readTree(log.get(1));
        assertTrue(Double.isFinite(last.get("loss").asDouble()) && last.get("loss").asDouble() > 0);
        assertTrue(last.has("teacher_entropy") && last.has("teacher_mean_entropy"));

        SafeTensors.Content backbone = SafeTensors.read(a.resolve("backbone.safetensors"));
        assertTrue(backbone.tensors().containsKey("cls_token") && backbone.tensors().containsKey("blocks.3.attn.qkv.weight")
                && backbone.tensors().containsKey("norm.weight"));
        assertTrue(backbone.tensors().keySet().stream().noneMatch(k -> k.startsWith("head.")), "no DINO head in the backbone");
        assertEquals("dino", backbone.metadata().get("objective"));

        // interrupted after epoch 1, resumed: the same weights as the uninterrupted run
        ok(args(b, "--stop-after", "1"));
        assertEquals(1, Files.readAllLines(b.resolve("log.jsonl")).size());
        ok(args(b, "--resume"));
        SafeTensors.Content ca = SafeTensors.read(a.resolve("checkpoint.safetensors"));
        SafeTensors.Content cb = SafeTensors.read(b.resolve("checkpoint.safetensors"));
        for (String k : ca.tensors().keySet()) {
            assertArrayEquals(ca.tensors().get(k), cb.tensors().get(k), 1e-6f, k);
        }

        // another seed, other weights
        Path c = tmp.resolve("c");
        ok(args(c, "--seed", "4"));
        assertTrue(!java.util.Arrays.equals(SafeTensors.read(c.resolve("backbone.safetensors")).tensors().get("blocks.0.attn.qkv.weight"),
                backbone.tensors().get("blocks.0.attn.qkv.weight")));

        // train-cam takes the run folder (its backbone.safetensors) as --pretrained
        Path data = tmp.resolve("data");
        ok("synth", "--out", data.toString(), "--train", "4", "--val", "2", "--size", "32", "--seed", "1");
        Object[] r = Cli.withOutput("train-cam", "--data", data.toString(), "--out", tmp.resolve("cam").toString(), "--model", "cpu-demo",
                "--crop", "32", "--epochs", "1", "--batch", "4", "--pretrained", a.toString(), "--strict");
        assertEquals(0, r[0], (String) r[2]);
    }

    /**
     * The non-finite guard of the shared loop counts skipped steps in a row across epochs: with 2 steps an epoch a
     * per-epoch count could never reach 10, so a diverged run used to go on to the end.
     */
    @Test
    void divergenceStopsAcrossEpochs() throws Exception {
        Path d = tmp.resolve("d");
        Object[] r = Cli.withOutput("pretrain", "--out", d.toString(), "--corpus", "8", "--epochs", "8", "--batch", "4",
                "--local-crops", "2", "--global-size", "32", "--local-size", "16", "--out-dim", "32", "--head-hidden", "64",
                "--seed", "3", "--lr", "1e35", "--warmup-epochs", "0");
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("pretraining diverged: 10 steps in a row"), (String) r[2]);
        assertTrue(Files.readAllLines(d.resolve("log.jsonl")).size() < 8, "stopped before the last epoch");
    }
}
