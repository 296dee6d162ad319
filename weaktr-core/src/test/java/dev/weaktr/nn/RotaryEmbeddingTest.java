package dev.weaktr.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** backbones-spec §3.4: the 30×30 table, other grids, and the adjacent-pair rotation. */
class RotaryEmbeddingTest {
    /** The spec's formula in double: channel c < 32 row angle t_h·θ_{c/2}, else column t_w·θ_{(c−32)/2}; t_k = k/30·16. */
    @Test
    void table30x30IsTheSpecFormula() {
        float[] a = RotaryEmbedding.angles(30, 30, 64);
        assertEquals(900 * 64, a.length);
        double max = 0;
        for (int h = 0; h < 30; h++) {
            for (int w = 0; w < 30; w++) {
                for (int c = 0; c < 64; c++) {
                    int j = (c % 32) / 2;
                    double t = (c < 32 ? h : w) / 30.0 * 16;
                    double want = t * Math.pow(10000, -j / 16.0);
                    max = Math.max(max, Math.abs(a[(30 * h + w) * 64 + c] - want));
                }
            }
        }
        assertEquals(0, max, 2e-5, "max |angle diff|");
    }

    @Test
    void nonSquareGridHasOneRowPerCellAndPerAxisPositions() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            RotaryEmbedding.Table t = RotaryEmbedding.table(m, 3, 5, 64, DataType.FLOAT32);
            assertEquals(new Shape(15, 64), t.cos().getShape());
            float[] a = RotaryEmbedding.angles(3, 5, 64);
            int cell = 2 * 5 + 4; // h = 2, w = 4
            assertEquals(2 / 3.0 * 16, a[cell * 64], 1e-5); // row angle, θ_0 = 1
            assertEquals(4 / 5.0 * 16, a[cell * 64 + 33], 1e-5); // column angle, pair partner of channel 32
        }
    }

    @Test
    void rotatesAdjacentPairsOfPatchTokensOnly() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            RotaryEmbedding.Table t = RotaryEmbedding.table(m, 1, 2, 4, DataType.FLOAT32);
            float[] v = {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}; // [1, 1, 3 tokens (1 class + 2 patches), 4]
            NDArray out = RotaryEmbedding.apply(m.create(v, new Shape(1, 1, 3, 4)), t);
            float[] a = RotaryEmbedding.angles(1, 2, 4);
            float[] got = out.toFloatArray();
            assertArrayEquals(new float[] {1, 2, 3, 4}, java.util.Arrays.copyOf(got, 4), 0f);
            int base = 2 * 4; // second patch token (w = 1)
            double p0 = a[4], p2 = a[6];
            assertEquals(1 * Math.cos(p0) - 2 * Math.sin(p0), got[base], 1e-6);
            assertEquals(2 * Math.cos(p0) + 1 * Math.sin(p0), got[base + 1], 1e-6);
            assertEquals(3 * Math.cos(p2) - 4 * Math.sin(p2), got[base + 2], 1e-6);
        }
    }
}
