package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.ImageStats;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.RotaryEmbedding;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegRun;
import dev.weaktr.seg.Segmenter;
import dev.weaktr.seg.SegmenterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal encoders through the CLI: retrain smoke runs, normalisation in run.json, import --kind seg. */
class EncodersCliTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path seeds;

    @BeforeAll
    static void dataset() {
        data = tmp.resolve("data");
        assertEquals(0, CamPipelineCliTest.cli("synth", "--out", data.toString(), "--train", "4", "--val", "2",
                "--size", "64", "--seed", "3")[0]);
        seeds = tmp.resolve("seeds");
        dev.weaktr.data.VocDataset ds = dev.weaktr.data.VocDataset.open(data, "train");
        for (String id : ds.ids()) {
            dev.weaktr.io.RgbImage img = ds.readImage(id);
            byte[] labels = new byte[img.width() * img.height()];
            java.util.Arrays.fill(labels, 0, labels.length / 2, (byte) 1);
            LabelPng.write(seeds.resolve(id + ".png"), new LabelPng.LabelMap(labels, img.width(), img.height()));
        }
    }

    static Object[] cli(String... args) {
        return CamPipelineCliTest.cli(args);
    }

    @Test
    void retrainSmokeEva02TinyRecordsClipStatsAndPredicts() throws Exception {
        Path run = tmp.resolve("eva");
        Object[] r = cli("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", run.toString(),
                "--encoder", "eva02-tiny", "--crop", "64", "--epochs", "1", "--batch", "2");
        assertEquals(0, r[0], (String) r[1]);
        SegRun m = SegRun.read(run);
        assertEquals("eva02-tiny", m.net().encoder().name());
        assertEquals(ImageStats.CLIP, m.net().normalization());
        assertArrayEquals(new double[] {122.77 / 255, 116.75 / 255, 104.09 / 255}, m.mean(), 1e-6);
        assertArrayEquals(new double[] {68.5 / 255, 66.63 / 255, 70.32 / 255}, m.std(), 1e-6);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(50, 37, java.awt.image.BufferedImage.TYPE_INT_RGB);
        Path file = tmp.resolve("odd.png");
        javax.imageio.ImageIO.write(img, "png", file.toFile());
        Path out = tmp.resolve("eva-pred");
        r = cli("predict", "--run", run.toString(), "--out", out.toString(), "--scales", "1.0", file.toString());
        assertEquals(0, r[0], (String) r[1]);
        assertEquals(50, LabelPng.read(out.resolve("odd.png")).width());
    }

    @Test
    void retrainSmokeDinov2AtDepth2WithTheOldModelFlag() {
        Path run = tmp.resolve("dino");
        Object[] r = cli("retrain", "--data", data.toString(), "--seeds", seeds.toString(), "--out", run.toString(),
                "--model", "dinov2-small", "--depth", "2", "--crop", "64", "--epochs", "1", "--batch", "2");
        assertEquals(0, r[0], (String) r[1]);
        SegRun m = SegRun.read(run);
        assertEquals(2, m.net().encoder().depth());
        assertEquals(ImageStats.IMAGENET, m.net().normalization());
        assertTrue(SafeTensors.read(run.resolve("checkpoint.safetensors")).tensors().containsKey("encoder.blocks.1.ls2.gamma"));
    }

    /** run.json files written before the encoders existed have neither field: plain blocks, ImageNet statistics. */
    @Test
    void olderRunJsonReadsAsPlainImagenet() throws Exception {
        Path run = tmp.resolve("eva");
        if (!java.nio.file.Files.exists(run.resolve("run.json"))) {
            retrainSmokeEva02TinyRecordsClipStatsAndPredicts();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(run.resolve("run.json").toFile());
        com.fasterxml.jackson.databind.node.ObjectNode net = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("net");
        net.remove("normalization");
        ((com.fasterxml.jackson.databind.node.ObjectNode) net.get("encoder")).remove("blocks");
        Path old = tmp.resolve("old-run");
        java.nio.file.Files.createDirectories(old);
        json.writeValue(old.resolve("run.json").toFile(), root);
        SegRun m = SegRun.read(old);
        assertEquals(dev.weaktr.nn.BlockStyle.PLAIN, m.net().encoder().blocks());
        assertEquals(ImageStats.IMAGENET, m.net().normalization());
    }

    @Test
    void eva02RunsOnNonSquareGridsOtherThanItsCrop() {
        SegmenterConfig net = SegmenterConfig.of(VitConfig.EVA02_TINY.withImageSize(64).withDepth(2), 3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Segmenter s = new Segmenter(new Parameters(m, DataType.FLOAT32, 1, false), net);
            NDArray logits = s.forward(m.randomNormal(new Shape(1, 3, 40, 90)), null, false).get(0);
            assertEquals(new Shape(1, 3, 40, 90), logits.getShape()); // padded to 48x96: a 3x6 grid, table (18, 64)
        }
    }

    /** A released-style retraining checkpoint (backbones-spec §6.6 keys) for a depth-2 encoder at crop 64. */
    static Path releasedCheckpoint(String name, VitConfig encoder, boolean withRope) {
        SegmenterConfig net = SegmenterConfig.of(encoder.withImageSize(64).withDepth(2), 21);
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> s = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 7, false);
            new Segmenter(p, net);
            p.all().forEach((k, v) -> {
                t.put(k, v.toFloatArray());
                s.put(k, v.getShape().getShape());
            });
        }
        t.put("encoder.head.weight", new float[1000 * encoder.dim()]);
        s.put("encoder.head.weight", new long[] {1000, encoder.dim()});
        if (withRope) {
            float[] a = RotaryEmbedding.angles(4, 4, 64);
            float[] cos = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                cos[i] = (float) Math.cos(a[i]);
            }
            for (String k : new String[] {"encoder.rope.freqs_cos", "encoder.blocks.0.attn.rope.freqs_cos"}) {
                t.put(k, cos);
                s.put(k, new long[] {16, 64});
            }
        }
        Path file = tmp.resolve(name);
        SafeTensors.write(file, t, s, Map.of());
        return file;
    }

    @Test
    void importSegRecognisesEva02AndNeedsTheEncoderForPlainVit() {
        Path eva = releasedCheckpoint("eva-released.safetensors", VitConfig.EVA02_SMALL, true);
        Path run = tmp.resolve("eva-imported");
        Object[] r = cli("import", "--kind", "seg", "--from", eva.toString(), "--out", run.toString());
        assertEquals(0, r[0], (String) r[1]);
        SegRun m = SegRun.read(run); // the file's RoPE buffers were checked against the recomputed table
        assertEquals("eva02-small", m.net().encoder().name());
        assertEquals(2, m.net().encoder().depth());
        assertEquals(ImageStats.CLIP, m.net().normalization());
        assertEquals(64, m.net().encoder().imageSize());
        Map<String, float[]> file = SafeTensors.read(eva).tensors(), ckpt = SafeTensors.read(run.resolve("checkpoint.safetensors")).tensors();
        assertArrayEquals(file.get("encoder.blocks.1.mlp.w12.weight"), ckpt.get("encoder.blocks.1.mlp.w12.weight"), 0f);
        assertArrayEquals(file.get("decoder.cls_emb"), ckpt.get("decoder.cls_emb"), 0f);

        Path vit = releasedCheckpoint("vit-released.safetensors", VitConfig.VIT_SMALL, false);
        r = cli("import", "--kind", "seg", "--from", vit.toString(), "--out", tmp.resolve("vit-x").toString());
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("--encoder deit-small or --encoder vit-small"), (String) r[1]);
        r = cli("import", "--kind", "seg", "--from", vit.toString(), "--out", tmp.resolve("vit-ok").toString(), "--encoder", "vit-small");
        assertEquals(0, r[0], (String) r[1]);
        assertEquals(ImageStats.INCEPTION, SegRun.read(tmp.resolve("vit-ok")).net().normalization());
        r = cli("import", "--kind", "seg", "--from", eva.toString(), "--out", tmp.resolve("eva-x").toString(), "--encoder", "dinov2-small");
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("'encoder.blocks.0.attn.q_bias' (384)"), (String) r[1]);
    }
}
