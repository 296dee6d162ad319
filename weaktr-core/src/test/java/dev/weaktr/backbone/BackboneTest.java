package dev.weaktr.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The backbone seam: MiT weights in the published layout, the ViT adapter, shapes and strides. */
class BackboneTest {
    static final Path AFA = Path.of("src/test/resources/afa/afa_tiny.pth");
    static final MitConfig TINY = new MitConfig("mit-tiny", new int[] {16, 32, 40, 64}, new int[] {1, 1, 1, 2},
            new int[] {1, 2, 5, 8}, new int[] {8, 4, 2, 1}, new int[] {4, 2, 2, 1}, 4, 0.1);

    @Test
    void mitReadsTheEncoderOfAnOfficialCheckpointAndGivesTheOfficialStageMaps() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            Backbone mit = Backbones.create("mit-b0", p); // registry works; replaced below by the fixture's shape
            assertEquals("mit-b0", mit.name());
            assertArrayEquals(new int[] {4, 8, 16, 16}, mit.strides()); // AFA: stage 4 at stride 16
            Parameters q = new Parameters(m, DataType.FLOAT32, 0, false);
            MixVisionTransformer tiny = new MixVisionTransformer(q, TINY);
            LoadReport r = tiny.loadPretrained(AFA, false); // "module.encoder.*" names: prefix found, heads unexpected
            assertEquals(q.all().size(), r.loaded().size());
            assertTrue(r.unexpected().stream().anyMatch(k -> k.name().startsWith("decoder.")));
            WeightFile io = WeightFile.read(Path.of("src/test/resources/afa/afa_tiny_io.pth"));
            NDArray x = m.create(io.tensors().get("net.input"), new Shape(io.shape("net.input")));
            Backbone.Features f = tiny.forward(x, null);
            for (int i = 0; i < 4; i++) {
                float[] want = io.tensors().get("net.c" + (i + 1));
                float[] got = f.maps().get(i).toFloatArray();
                double max = 0;
                for (int j = 0; j < want.length; j++) {
                    max = Math.max(max, Math.abs(want[j] - got[j]));
                }
                assertTrue(max < 1e-4, "stage " + (i + 1) + ": " + max);
            }
            assertEquals(5, f.attentionLogits().size());
            assertEquals(new Shape(2, 8, 48, 48), f.attentionLogits().get(4).getShape());
            assertThrows(WeaktrException.class, () -> tiny.loadPretrained(AFA, true)); // --strict: decoder tensors
        }
    }

    @Test
    void thePublishedLayoutLoadsWithItsImageNetHeadDropped(@org.junit.jupiter.api.io.TempDir Path tmp) {
        // mit_b*.pth layout: the encoder's own names at the top level plus the ImageNet classifier head.*
        WeightFile afa = WeightFile.read(AFA);
        java.util.Map<String, float[]> t = new java.util.LinkedHashMap<>();
        java.util.Map<String, long[]> s = new java.util.LinkedHashMap<>();
        afa.tensors().forEach((k, v) -> {
            if (k.startsWith("encoder.")) {
                t.put(k.substring(8), v);
                s.put(k.substring(8), afa.shape(k));
            }
        });
        t.put("head.weight", new float[1000 * 64]);
        s.put("head.weight", new long[] {1000, 64});
        t.put("head.bias", new float[1000]);
        s.put("head.bias", new long[] {1000});
        Path file = tmp.resolve("mit_tiny.safetensors");
        dev.weaktr.io.SafeTensors.write(file, t, s, java.util.Map.of());
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            MixVisionTransformer mit = new MixVisionTransformer(p.scoped("encoder."), TINY);
            p.constant("classifier.weight", 0f, 3, 64, 1, 1); // a method's head beside the encoder is not asked for
            LoadReport r = mit.loadPretrained(file, true);
            assertEquals(java.util.List.of("head.weight", "head.bias"), r.dropped());
            assertEquals(t.size() - 2, r.loaded().size());
            assertArrayEquals(t.get("block4.1.attn.kv.weight"), p.get("encoder.block4.1.attn.kv.weight").toFloatArray());
        }
    }

    /**
     * MiT-B0, B1 and B2 have exactly the official tensors: every name and shape of the official {@code mit_b0..b2}
     * state dicts (src/test/resources/afa/mit_shapes.txt, written by rulixiang/afa's mix_transformer.py), and B0's
     * stage maps have the AFA strides 4/8/16/16 on a non-square input.
     */
    @Test
    void mitB0B1B2HaveTheOfficialTensorsAndShapes() throws Exception {
        java.util.Map<String, java.util.Map<String, String>> want = new java.util.LinkedHashMap<>();
        for (String line : java.nio.file.Files.readAllLines(Path.of("src/test/resources/afa/mit_shapes.txt"))) {
            if (!line.startsWith("#")) {
                String[] f = line.split(" ");
                want.computeIfAbsent(f[0], k -> new java.util.TreeMap<>()).put(f[1], f[2]);
            }
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (MitConfig c : new MitConfig[] {MitConfig.MIT_B0, MitConfig.MIT_B1, MitConfig.MIT_B2}) {
                Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
                new MixVisionTransformer(p, c);
                java.util.Map<String, String> got = new java.util.TreeMap<>();
                p.all().forEach((k, v) -> got.put(k, v.getShape().toString().replaceAll("[() ]", "")));
                assertEquals(want.get(c.name().replace('-', '_')), got, c.name());
                p.close();
            }
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            MixVisionTransformer b0 = new MixVisionTransformer(p, MitConfig.MIT_B0);
            Backbone.Features f = b0.forward(m.randomNormal(new Shape(1, 3, 64, 96)), null);
            long[][] shapes = {{1, 32, 16, 24}, {1, 64, 8, 12}, {1, 160, 4, 6}, {1, 256, 4, 6}};
            for (int i = 0; i < 4; i++) {
                assertEquals(new Shape(shapes[i]), f.maps().get(i).getShape(), "B0 stage " + (i + 1));
            }
            assertEquals(MitConfig.MIT_B0.totalDepth(), f.attentionLogits().size());
            assertEquals(new Shape(1, 8, 24, 24), f.attentionLogits().get(7).getShape()); // stage 4: N = 4·6, no reduction
        }
    }

    @Test
    void aFileOfAnotherFamilyOrSizeIsRefusedNamingIt() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            MixVisionTransformer mit = new MixVisionTransformer(new Parameters(m, DataType.FLOAT32, 0, false), MitConfig.CPU_DEMO);
            WeaktrException e = assertThrows(WeaktrException.class,
                    () -> mit.loadPretrained(Path.of("src/test/resources/weights/deit_tiny.pth"), false));
            assertTrue(e.getMessage().contains("not a MiT"), e.getMessage());
            WeaktrException size = assertThrows(WeaktrException.class, () -> mit.loadPretrained(AFA, false));
            assertTrue(size.getMessage().contains("mit-cpu-demo"), size.getMessage());
        }
    }

    @Test
    void vitAdapterHandsOutTheUnscaledLogitsAndThePatchMap() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 3, false);
            VitConfig cfg = VitConfig.CPU_DEMO.withDepth(2).withImageSize(32);
            VitBackbone vit = new VitBackbone(p, cfg, 1);
            NDArray x = m.randomNormal(new Shape(1, 3, 32, 48));
            Backbone.Features f = vit.forward(x, null);
            assertEquals(new Shape(1, 192, 2, 3), f.last().getShape());
            VisionTransformer.Output o = vit.model().forward(x, null, null);
            Attention.Output a = o.layers().get(1);
            float scale = (float) Math.pow(cfg.headDim(), -0.5);
            float[] want = a.scores().toFloatArray(), got = f.attentionLogits().get(1).mul(scale).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-4);
            }
        }
    }
}
