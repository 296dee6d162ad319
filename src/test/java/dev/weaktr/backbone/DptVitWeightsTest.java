package dev.weaktr.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPT backbones from timm's published layout (safetensors written by timm 1.0.29 itself,
 * tools/fixtures/make_getam_timm_fixtures.py): every backbone tensor is filled, the classifiers are dropped, and the
 * forward equals timm's {@code forward_features} to 1e-4 (measured 3.4e-6 DeiT-distilled, 1.3e-5 hybrid; the hybrid's
 * weight standardisation follows the timm vendored by GETAM, std + 1e-5, where timm 1.0 uses √(var + 1e-8): the
 * fixture's unit-scale ResNet weights keep that difference near 1e-5).
 */
class DptVitWeightsTest {
    private static final Path DIR = Path.of("src/test/resources/getam");

    static DptVitConfig config(boolean hybrid) {
        VitConfig vit = new VitConfig("tiny", 16, 32, 12, 2, 4, 1e-6f, 0, 64);
        return hybrid
                ? new DptVitConfig("tiny-hybrid", vit, new ResNetV2.Config(new int[] {1, 2, 1}, new int[] {128, 256, 256}, 64),
                        false, new int[] {0, 1, 8, 11}, new int[] {128, 256, 32, 32})
                : new DptVitConfig("tiny-distilled", vit, null, true, new int[] {2, 5, 8, 11}, new int[] {16, 32, 48, 32});
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm_hybrid_tiny", "timm_deit_distilled_tiny"})
    void loadsTimmLayoutAndMatchesTimmForward(String name) {
        boolean hybrid = name.contains("hybrid");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            DptVit vit = new DptVit(p.scoped("pretrained.model."), config(hybrid));
            LoadReport r = vit.loadPretrained(DIR.resolve(name + ".safetensors"), true);
            assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty(), r.summary());
            assertEquals(p.all().size(), r.loaded().size(), "every backbone tensor from the file");
            assertTrue(r.dropped().contains("head.weight"), r.summary());
            WeightFile io = WeightFile.read(DIR.resolve(name + "_io.pth"));
            NDArray x = m.create(io.tensors().get("input"), new Shape(io.shape("input")));
            DptVit.Taps t = vit.taps(x, null, null);
            float[] got = vit.vit().norm(t.tokens()[3]).toFloatArray();
            float[] want = io.tensors().get("output");
            assertEquals(want.length, got.length);
            double d = 0, max = 0;
            for (int i = 0; i < got.length; i++) {
                d = Math.max(d, Math.abs(got[i] - want[i]));
                max = Math.max(max, Math.abs(want[i]));
            }
            System.out.printf("DPT backbone %s vs timm forward_features: max |diff| %.3g (max |value| %.3g)%n", name, d, max);
            assertTrue(d <= 1e-4, name + ": " + d);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm_hybrid_tiny"})
    void fileOfAnotherBackboneIsOneClearError(String name) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            DptVit vit = new DptVit(p, config(false)); // a distilled DeiT given the hybrid's file
            WeaktrException e = assertThrows(WeaktrException.class,
                    () -> vit.loadPretrained(DIR.resolve(name + ".safetensors"), false));
            assertTrue(e.getMessage().contains(name) && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
