package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.cam.CamRun;
import dev.weaktr.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import / export / train-cam --pretrained through the CLI: success paths and exit-2 user errors. */
class WeightsCliTest {
    static final Path FIXTURES = Path.of("src/test/resources/weights");

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void dataset() {
        data = tmp.resolve("data");
        assertEquals(0, CamPipelineCliTest.cli("synth", "--out", data.toString(), "--train", "4", "--val", "2",
                "--size", "64", "--seed", "1")[0]);
    }

    static Object[] cli(String... args) {
        return CamPipelineCliTest.cli(args);
    }

    static void assertUserError(Object[] result, String... fragments) {
        assertEquals(2, result[0], (String) result[1]);
        for (String f : fragments) {
            assertTrue(((String) result[1]).contains(f), "missing '" + f + "' in: " + result[1]);
        }
    }

    /** A timm/DeiT-style ImageNet checkpoint for the cpu-demo shape: one class token, 4x4 grid, Linear head. */
    static Path deitForCpuDemo(String name, boolean withDistToken) {
        int d = 192, hidden = 384;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("cls_token", new long[] {1, 1, d});
        if (withDistToken) {
            shapes.put("dist_token", new long[] {1, 1, d});
        }
        shapes.put("pos_embed", new long[] {1, (withDistToken ? 2 : 1) + 16, d});
        shapes.put("patch_embed.proj.weight", new long[] {d, 3, 16, 16});
        shapes.put("patch_embed.proj.bias", new long[] {d});
        for (int i = 0; i < 4; i++) {
            String p = "blocks." + i + ".";
            for (String n : new String[] {"norm1", "norm2"}) {
                shapes.put(p + n + ".weight", new long[] {d});
                shapes.put(p + n + ".bias", new long[] {d});
            }
            long[][] lin = {{3 * d, d}, {d, d}, {hidden, d}, {d, hidden}};
            String[] names = {"attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2"};
            for (int j = 0; j < 4; j++) {
                shapes.put(p + names[j] + ".weight", lin[j]);
                shapes.put(p + names[j] + ".bias", new long[] {lin[j][0]});
            }
        }
        shapes.put("norm.weight", new long[] {d});
        shapes.put("norm.bias", new long[] {d});
        shapes.put("head.weight", new long[] {10, d});
        shapes.put("head.bias", new long[] {10});
        SplittableRandom rng = new SplittableRandom(5);
        Map<String, float[]> values = new LinkedHashMap<>();
        shapes.forEach((k, s) -> {
            float[] v = new float[(int) Arrays.stream(s).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * 0.02);
            }
            values.put(k, v);
        });
        Path file = tmp.resolve(name);
        SafeTensors.write(file, values, shapes, Map.of());
        return file;
    }

    @Test
    void trainCamFromPretrainedDeitRecordsTheFile() {
        Path deit = deitForCpuDemo("deit.safetensors", false);
        Path run = tmp.resolve("pretrained-run");
        assertEquals(0, cli("train-cam", "--data", data.toString(), "--out", run.toString(), "--model", "cpu-demo",
                "--epochs", "1", "--batch", "2", "--crop", "64", "--pretrained", deit.toString(), "--strict")[0]);
        assertEquals(deit.toAbsolutePath().toString(), CamRun.read(run).pretrained());
    }

    @Test
    void retrainEncoderStartsFromPretrainedDeit() throws Exception {
        Path deit = deitForCpuDemo("deit-seg.safetensors", false);
        Path seeds = tmp.resolve("zero-seeds");
        dev.weaktr.data.VocDataset ds = dev.weaktr.data.VocDataset.open(data, "train");
        for (String id : ds.ids()) {
            dev.weaktr.io.RgbImage img = ds.readImage(id);
            dev.weaktr.io.LabelPng.write(seeds.resolve(id + ".png"),
                    new dev.weaktr.io.LabelPng.LabelMap(new byte[img.width() * img.height()], img.width(), img.height()));
        }
        Path run = tmp.resolve("seg-pretrained");
        // lr 0: the checkpoint holds exactly the initial weights
        assertEquals(0, cli("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", run.toString(),
                "--model", "cpu-demo", "--crop", "64", "--epochs", "1", "--batch", "2", "--lr", "0", "--min-lr", "0",
                "--pretrained", deit.toString(), "--strict")[0]);
        Map<String, float[]> file = SafeTensors.read(deit).tensors();
        Map<String, float[]> ckpt = SafeTensors.read(run.resolve("checkpoint.safetensors")).tensors();
        for (String k : new String[] {"blocks.0.attn.qkv.weight", "blocks.3.mlp.fc2.bias", "patch_embed.proj.weight",
            "cls_token", "pos_embed", "norm.weight"}) {
            assertArrayEquals(file.get(k), ckpt.get("encoder." + k), 0f, k);
        }
        assertUserError(cli("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out",
                tmp.resolve("seg-dist").toString(), "--model", "cpu-demo", "--crop", "64", "--epochs", "1", "--batch", "2",
                "--pretrained", deitForCpuDemo("deit-seg-dist.safetensors", true).toString(), "--strict"), "'dist_token'");
    }

    @Test
    void pretrainedErrorsExitTwo() {
        Path dist = deitForCpuDemo("deit-distilled.safetensors", true);
        assertUserError(cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("r1").toString(),
                "--model", "cpu-demo", "--epochs", "1", "--batch", "2", "--crop", "64",
                "--pretrained", dist.toString(), "--strict"), "'dist_token'", "(1, 1, 192)");
        // another model size: first offending key with both shapes
        assertUserError(cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("r2").toString(),
                "--model", "cpu-demo", "--epochs", "1", "--batch", "2", "--crop", "64",
                "--pretrained", FIXTURES.resolve("deit_tiny.pth").toString()),
                "'patch_embed.proj.weight'", "(16, 3, 8, 8)", "(192, 3, 16, 16)");
        assertUserError(cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("r3").toString(),
                "--model", "cpu-demo", "--strict"), "--strict");
    }

    @Test
    void importAndExportErrorsExitTwo() throws IOException {
        Path classes = tmp.resolve("classes.txt");
        Files.writeString(classes, "background\na\nb\nc\n");
        String pth = FIXTURES.resolve("cam_tiny.pth").toString();
        assertUserError(cli("import", "--from", pth, "--kind", "seg", "--out", tmp.resolve("i1").toString()), "--kind seg");
        assertUserError(cli("import", "--from", pth, "--out", tmp.resolve("i2").toString(), "--classes", classes.toString()),
                "'cls_token'", "[1, 3, 16]", "[1, 3, 384]");
        Path text = tmp.resolve("readme.pth");
        Files.writeString(text, "not a checkpoint");
        assertUserError(cli("import", "--from", text.toString(), "--out", tmp.resolve("i4").toString()), "not a weights file");
        byte[] full = Files.readAllBytes(FIXTURES.resolve("cam_tiny.pth"));
        Path cut = tmp.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(full, full.length - 1000));
        assertUserError(cli("import", "--from", cut.toString(), "--out", tmp.resolve("i5").toString()), "truncated");
        assertUserError(cli("import", "--from", FIXTURES.resolve("deit_tiny.pth").toString(), "--out",
                tmp.resolve("i6").toString()), "--pretrained");
        assertUserError(cli("export", "--run", tmp.resolve("nothing").toString(), "--out", tmp.resolve("x.safetensors").toString()),
                "not a CAM run folder");
    }
}
