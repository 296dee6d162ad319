package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.Npy;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ImageNet initialisation from a distilled DeiT file (src/test/resources/weights/deit_tiny.pth: D 16, patch 8, grid
 * 3×3, cls + dist tokens): the CAAE drops both tokens and keeps the grid; the segmentor repeats the class token and
 * its position row K times and resizes the grid 3×3 → 2×2, checked against torch's F.interpolate
 * ({@code deit_tiny_expected_pos.npy}, written for the same rule in WeakTr's CAM model).
 */
class SemFormerPretrainedTest {
    static final Path FIXTURES = Path.of("src/test/resources/weights");
    static final VitConfig TINY = new VitConfig("deit-tiny-test", 8, 16, 2, 2, 4, 1e-6f, 0, 24);

    @Test
    void caaeDropsTheTokensAndKeepsTheGrid() {
        WeightFile deit = WeightFile.read(FIXTURES.resolve("deit_tiny.pth"));
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 1, false);
            CaaeConfig cfg = new CaaeConfig(TINY, 3, 4, 16, 1, 2);
            new ClassAwareAutoEncoder(p, cfg);
            String summary = SemFormerPretrained.caae(deit, p, cfg);
            assertTrue(summary.contains("3×3 → 3×3"), summary);
            Map<String, float[]> s = p.snapshot();
            String e = ClassAwareAutoEncoder.ENCODER_PREFIX;
            float[] pos = deit.tensors().get("pos_embed");
            assertArrayEquals(Arrays.copyOfRange(pos, 2 * 16, pos.length), s.get(e + "pos_embed"), 0f);
            assertArrayEquals(deit.tensors().get("blocks.1.attn.qkv.weight"), s.get(e + "blocks.1.attn.qkv.weight"), 0f);
            assertArrayEquals(deit.tensors().get("norm.weight"), s.get(e + "norm.weight"), 0f);
        }
    }

    @Test
    void segmentorRepeatsTheClassTokenAndResizesTheGrid() {
        WeightFile deit = WeightFile.read(FIXTURES.resolve("deit_tiny.pth"));
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 1, false);
            SemFormerConfig cfg = new SemFormerConfig(TINY.withImageSize(16), 3, 4, 0.5f);
            new SemFormerNet(p, cfg);
            SemFormerPretrained.segmentor(deit, p, cfg);
            Map<String, float[]> s = p.snapshot();
            String b = SemFormerNet.BACKBONE_PREFIX;
            float[] cls = deit.tensors().get("cls_token");
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(cls, Arrays.copyOfRange(s.get(b + "cls_token"), c * 16, c * 16 + 16), 0f);
            }
            float[] expected = Npy.read(FIXTURES.resolve("deit_tiny_expected_pos.npy")).data(); // torch F.interpolate
            float[] got = s.get(b + "pos_embed");
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-5, "pos_embed[" + i + "]");
            }
        }
    }

    @Test
    void anotherDepthNamesTheMissingTensor() {
        WeightFile deit = WeightFile.read(FIXTURES.resolve("deit_tiny.pth"));
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 1, false);
            CaaeConfig cfg = new CaaeConfig(TINY.withDepth(3), 3, 4, 16, 1, 2);
            new ClassAwareAutoEncoder(p, cfg);
            WeaktrException e = assertThrows(WeaktrException.class, () -> SemFormerPretrained.caae(deit, p, cfg));
            assertTrue(e.getMessage().contains("'blocks.2."), e.getMessage());
        }
    }
}
