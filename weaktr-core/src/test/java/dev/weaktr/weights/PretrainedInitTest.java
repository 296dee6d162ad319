package dev.weaktr.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.WeakTrCamNet;
import dev.weaktr.io.Npy;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec §1.9: a DeiT checkpoint with one class token into a C-token CAM model. */
class PretrainedInitTest {
    static final Path FIXTURES = Path.of("src/test/resources/weights");
    /** The fixture model's shape: patch 8, D 16, depth 2, heads 2, stored grid 2x2. */
    static final VitConfig TINY = new VitConfig("fixture-tiny", 8, 16, 2, 2, 4, 1e-6f, 0, 16);

    static Map<String, float[]> loadDeit(int classes, boolean strict) {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 3, false);
            new WeakTrCamNet(p, new CamNetConfig(TINY, classes, "aaf-feat", new AafConfig(2, 4, "max")));
            LoadReport r = PretrainedInit.apply(WeightFile.read(FIXTURES.resolve("deit_tiny.pth")), p, strict);
            assertTrue(r.dropped().containsAll(java.util.List.of("head.weight", "head.bias")), r.summary());
            assertTrue(r.fresh().contains("head.weight") && r.fresh().contains("adaptive_attention_fusion.attn_head_ffn.0.weight"));
            assertEquals(java.util.List.of("dist_token", "head_dist.weight", "head_dist.bias"),
                    r.unexpected().stream().map(LoadReport.Key::name).toList());
            assertTrue(r.missing().isEmpty(), r.summary());
            assertEquals(2, r.adapted().size(), r.summary());
            return p.snapshot();
        }
    }

    @Test
    void classTokenRepeatedAndPositionGridResized() {
        WeightFile deit = WeightFile.read(FIXTURES.resolve("deit_tiny.pth"));
        Map<String, float[]> m = loadDeit(3, false);
        float[] cls = deit.tensors().get("cls_token");
        float[] got = m.get("cls_token");
        assertEquals(3 * 16, got.length);
        for (int c = 0; c < 3; c++) { // by hand: every class token is the one DeiT token
            assertArrayEquals(cls, Arrays.copyOfRange(got, c * 16, c * 16 + 16), 0f);
        }
        float[] pos = m.get("pos_embed");
        float[] filePos = deit.tensors().get("pos_embed");
        for (int c = 0; c < 3; c++) { // class rows: the file's row 0 (its cls row), not the dist row
            assertArrayEquals(Arrays.copyOfRange(filePos, 0, 16), Arrays.copyOfRange(pos, c * 16, c * 16 + 16), 0f);
        }
        float[] expected = Npy.read(FIXTURES.resolve("deit_tiny_expected_pos.npy")).data(); // torch F.interpolate
        assertEquals(expected.length, pos.length);
        for (int i = 0; i < pos.length; i++) {
            assertEquals(expected[i], pos[i], 1e-5, "pos_embed[" + i + "]");
        }
        assertArrayEquals(deit.tensors().get("blocks.1.mlp.fc2.weight"), m.get("blocks.1.mlp.fc2.weight"), 0f);
        assertArrayEquals(deit.tensors().get("norm.bias"), m.get("norm.bias"), 0f);
        assertFalse(Arrays.equals(Arrays.copyOf(deit.tensors().get("head.weight"), 16), Arrays.copyOf(m.get("head.weight"), 16)));
    }

    @Test
    void strictRefusesUnexpectedKeysNamingTheFirst() {
        WeaktrException e = assertThrows(WeaktrException.class, () -> loadDeit(3, true));
        assertTrue(e.getMessage().contains("'dist_token'") && e.getMessage().contains("(1, 1, 16)"), e.getMessage());
    }

    @Test
    void otherClassCountFailsWithBothShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 3, false);
            new WeakTrCamNet(p, new CamNetConfig(TINY, 4, "aaf-feat", new AafConfig(2, 4, "max")));
            WeightFile cam = WeightFile.read(FIXTURES.resolve("cam_tiny.pth")); // 3 class tokens
            WeaktrException e = assertThrows(WeaktrException.class, () -> PretrainedInit.apply(cam, p, false));
            assertTrue(e.getMessage().contains("'cls_token' has shape (1, 3, 16)")
                    && e.getMessage().contains("expects (1, 4, 16)"), e.getMessage());
        }
    }

    @Test
    void gridResizeByHand() {
        // identity when the grid keeps its size
        float[] g = {1, 2, 3, 4};
        assertArrayEquals(g, PretrainedInit.resizeGrid(g, 2, 2, 1), 0f);
        // 1x1 -> 2x2: every output reads the single (border-clamped) source value
        assertArrayEquals(new float[] {5, 5, 5, 5}, PretrainedInit.resizeGrid(new float[] {5}, 1, 2, 1), 1e-6f);
        // a constant grid stays constant (cubic weights sum to 1)
        float[] out = PretrainedInit.resizeGrid(new float[] {2, 2, 2, 2, 2, 2, 2, 2, 2}, 3, 5, 1);
        for (float v : out) {
            assertEquals(2f, v, 1e-6f);
        }
    }
}
