package dev.weaktr.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.io.WeightFile;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Forward parity of each encoder block style against timm 1.0's own VisionTransformer / Eva (an independent
 * implementation), random weights, D 128, 2 heads of 64, depth 2, 80×80 input (5×5 grid, RoPE positions
 * k·16/5), LN eps 1e-5, final norm. Fixtures: tools/fixtures/make_encoder_fixtures.py.
 * Tolerance: 1e-5 absolute (measured ~2.5e-6) on outputs of magnitude ~1 (float32, different kernels and summation orders).
 */
class EncoderParityTest {
    static final Path DIR = Path.of("src/test/resources/encoders");
    static final float TOLERANCE = 1e-5f;

    @ParameterizedTest
    @CsvSource({"vit,4,PLAIN", "dinov2,4,DINOV2", "eva02,2.6666666666666665,EVA02"})
    void allTokensMatchTimm(String kind, double mlpRatio, String style) {
        BlockStyle blocks = switch (style) {
            case "DINOV2" -> BlockStyle.DINOV2;
            case "EVA02" -> BlockStyle.EVA02;
            default -> BlockStyle.PLAIN;
        };
        VitConfig cfg = new VitConfig(kind, 16, 128, 2, 2, mlpRatio, 1e-5f, 0, 80, blocks);
        WeightFile f = WeightFile.read(DIR.resolve("parity_" + kind + ".pth"));
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            VisionTransformer vit = new VisionTransformer(p, cfg, 1, VisionTransformer.PositionResize.BILINEAR);
            p.load(f.tensors(), f.shapes(), f.file().toString());
            NDArray x = m.create(f.tensors().get("input"), new Shape(f.shape("input")));
            float[] got = vit.norm(vit.forward(x, null, null).tokens()).toFloatArray();
            float[] want = f.tensors().get("output");
            double max = 0;
            for (int i = 0; i < want.length; i++) {
                max = Math.max(max, Math.abs(got[i] - want[i]));
            }
            System.out.printf("encoder parity %s: max |diff| %.3g over %d values%n", kind, max, want.length);
            assertTrue(got.length == want.length && max < TOLERANCE, kind + ": max |diff| " + max);
        }
    }
}
