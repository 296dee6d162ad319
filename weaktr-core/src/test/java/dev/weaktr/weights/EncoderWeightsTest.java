package dev.weaktr.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BlockStyle;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VisionTransformer;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each published file layout (backbones-spec §6.3–6.5 and timm's safetensors), scaled down to D 48, depth 2 with the
 * real key names, fills every tensor of a 64×64 encoder (4×4 grid) with the values PyTorch's conversion gives
 * (kernels 14→16 bicubic, position grids bicubic/bilinear; tools/fixtures/make_encoder_fixtures.py).
 */
class EncoderWeightsTest {
    static final Path DIR = Path.of("src/test/resources/encoders");

    @TempDir
    Path tmp;

    static VitConfig config(String family) {
        return switch (family) {
            case "augreg" -> new VitConfig("vit-small", 16, 48, 2, 2, 4, 1e-5f, 0, 64, BlockStyle.PLAIN);
            case "dinov2" -> new VitConfig("dinov2-small", 16, 48, 2, 2, 4, 1e-5f, 0, 64, BlockStyle.DINOV2);
            default -> new VitConfig("eva02-small", 16, 48, 2, 2, 8.0 / 3, 1e-5f, 0, 64, BlockStyle.EVA02);
        };
    }

    @ParameterizedTest
    @CsvSource({"augreg,augreg_tiny.npz", "augreg,timm_augreg_tiny.safetensors", "dinov2,dinov2_tiny.pth",
        "dinov2,timm_dinov2_tiny.safetensors", "eva02,eva02_tiny.pt", "eva02,timm_eva02_tiny.safetensors"})
    void everyEncoderTensorIsFilledWithTheConvertedValues(String family, String file) {
        Map<String, float[]> want = WeightFile.read(DIR.resolve(family + "_tiny_expected.pth")).tensors();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            new VisionTransformer(p, config(family), 1, VisionTransformer.PositionResize.BILINEAR);
            LoadReport r = EncoderWeights.load(DIR.resolve(file), p, "", config(family), true);
            assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty(), r.summary());
            double max = 0;
            for (Map.Entry<String, NDArray> e : p.all().entrySet()) {
                float[] got = e.getValue().toFloatArray(), w = want.get(e.getKey());
                assertEquals(w.length, got.length, e.getKey());
                for (int i = 0; i < w.length; i++) {
                    max = Math.max(max, Math.abs(got[i] - w[i]));
                }
            }
            assertTrue(max < 1e-5, file + ": max |diff| " + max);
            assertEquals(want.size(), p.all().size(), "tensor count");
        }
    }

    @Test
    void npzWithoutAnArrayNamesIt() {
        WeaktrException e = load("augreg_missing.npz", "augreg");
        assertTrue(e.getMessage().contains("'Transformer/encoderblock_1/MlpBlock_3/Dense_1/bias'")
                && e.getMessage().contains("blocks.1.mlp.fc2.bias") && e.getMessage().contains("(48)"), e.getMessage());
    }

    @Test
    void fileOfAnotherBackboneNamesTheTellingKey() {
        WeaktrException e = load("dinov2_tiny.pth", "eva02");
        assertTrue(e.getMessage().contains("DINOv2") && e.getMessage().contains("'blocks.0.ls1.gamma' (48)")
                && e.getMessage().contains("eva02-small"), e.getMessage());
        e = load("eva02_tiny.pt", "augreg");
        assertTrue(e.getMessage().contains("EVA-02") && e.getMessage().contains("blocks.0.attn.q_bias"), e.getMessage());
    }

    @Test
    void truncatedFileIsAClearError() throws Exception {
        for (String name : new String[] {"eva02_tiny.pt", "augreg_tiny.npz", "timm_dinov2_tiny.safetensors"}) {
            byte[] all = Files.readAllBytes(DIR.resolve(name));
            Path cut = tmp.resolve("cut-" + name);
            Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
            String family = name.contains("eva") ? "eva02" : name.contains("dinov2") ? "dinov2" : "augreg";
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
                new VisionTransformer(p, config(family), 1, VisionTransformer.PositionResize.BILINEAR);
                WeaktrException e = assertThrows(WeaktrException.class, () -> EncoderWeights.load(cut, p, "", config(family), false));
                assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
            }
        }
    }

    private static WeaktrException load(String file, String family) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            new VisionTransformer(p, config(family), 1, VisionTransformer.PositionResize.BILINEAR);
            return assertThrows(WeaktrException.class, () -> EncoderWeights.load(DIR.resolve(file), p, "", config(family), false));
        }
    }
}
