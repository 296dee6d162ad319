package dev.weaktr.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cli.Cli;
import dev.weaktr.data.CorpusRenderer;
import dev.weaktr.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weaktr pretrain --objective fdsl} at toy size: the family masks are the corpus images' own, the run writes a
 * backbone without its heads that {@code train-cam --pretrained --strict} takes, --resume after --stop-after equals an
 * uninterrupted run, and --images is refused (the objective needs the renderer's labels).
 */
class FdslPretrainTest {
    @TempDir
    Path tmp;

    static String[] args(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("pretrain", "--objective", "fdsl", "--out", out.toString(), "--corpus", "8",
                "--epochs", "2", "--batch", "4", "--global-size", "32", "--seed", "3"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static void ok(String... args) {
        Object[] r = Cli.withOutput(args);
        assertEquals(0, r[0], (String) r[2]);
    }

    @Test
    void familyMasksBelongToTheSameImages() {
        for (int i = 0; i < 4; i++) {
            CorpusRenderer.Sample plain = CorpusRenderer.render(CorpusRenderer.Split.PRETRAIN, 48, new SplittableRandom(i));
            CorpusRenderer.Sample fam = CorpusRenderer.renderFamilies(48, new SplittableRandom(i));
            assertArrayEquals(plain.image().rgb(), fam.image().rgb(), "the same image");
            int objects = 0;
            for (byte b : fam.mask().labels()) {
                int f = b & 0xff;
                assertTrue(f <= CorpusRenderer.corpusFamilies(), "family " + f);
                objects += f > 0 ? 1 : 0;
            }
            assertTrue(objects > 0, "some object pixels");
        }
    }

    @Test
    void pretrainsResumesAndFeedsTrainCam() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        ok(args(a));
        List<String> log = Files.readAllLines(a.resolve("log.jsonl"));
        assertEquals(2, log.size());
        JsonNode last = new ObjectMapper().readTree(log.get(1));
        assertTrue(last.has("cls") && last.has("patch"));
        assertEquals(last.get("loss").asDouble(), last.get("cls").asDouble() + last.get("patch").asDouble(), 1e-4);
        SafeTensors.Content backbone = SafeTensors.read(a.resolve("backbone.safetensors"));
        assertEquals("fdsl", backbone.metadata().get("objective"));
        assertTrue(backbone.tensors().containsKey("blocks.3.attn.qkv.weight"));
        assertTrue(backbone.tensors().keySet().stream().noneMatch(k -> k.startsWith("head.")), "no heads in the backbone");

        ok(args(b, "--stop-after", "1"));
        ok(args(b, "--resume"));
        SafeTensors.Content ca = SafeTensors.read(a.resolve("checkpoint.safetensors"));
        SafeTensors.Content cb = SafeTensors.read(b.resolve("checkpoint.safetensors"));
        for (String k : ca.tensors().keySet()) {
            assertArrayEquals(ca.tensors().get(k), cb.tensors().get(k), 1e-6f, k);
        }

        Path data = tmp.resolve("data");
        ok("synth", "--out", data.toString(), "--train", "4", "--val", "2", "--size", "32", "--seed", "1");
        ok("train-cam", "--data", data.toString(), "--out", tmp.resolve("cam").toString(), "--model", "cpu-demo", "--crop", "32",
                "--epochs", "1", "--batch", "4", "--pretrained", a.resolve("backbone.safetensors").toString(), "--strict");

        Object[] r = Cli.withOutput(args(tmp.resolve("x"), "--images", data.toString()));
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--objective fdsl"), (String) r[2]);
    }
}
