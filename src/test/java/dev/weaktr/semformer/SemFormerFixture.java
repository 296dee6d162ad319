package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;

/**
 * The fixtures written by the official JLChen-C/SemFormer code (src/test/resources/semformer/README.md): a
 * scaled-down CAAE ({@code caae_tiny.pth}) and segmentor ({@code semformer_tiny.pth}) in the official state-dict
 * layout, and their inputs, outputs, losses and gradients ({@code semformer_io.pth}).
 */
final class SemFormerFixture {
    static final Path DIR = Path.of("src/test/resources/semformer");
    /** The fixture CAAE: encoder width 48, 2 blocks, 3 heads, 64-px input (4×4 grid); K 4, E 8; decoder 48/2/3. */
    static final CaaeConfig CAAE = new CaaeConfig(new VitConfig("fixture-caae", 16, 48, 2, 3, 4, 1e-6f, 0, 64), 4, 8,
            48, 2, 3);
    /** The fixture segmentor: width 32, 3 blocks, 2 heads, stored grid 6×6 (96 px); K 4, E 8. */
    static final SemFormerConfig SEG = new SemFormerConfig(new VitConfig("fixture-seg", 16, 32, 3, 2, 4, 1e-6f, 0, 96),
            4, 8, 0.5f);

    private static WeightFile io;

    private SemFormerFixture() {}

    static synchronized WeightFile io() {
        if (io == null) {
            io = WeightFile.read(DIR.resolve("semformer_io.pth"));
        }
        return io;
    }

    static WeightFile file(String name) {
        return WeightFile.read(DIR.resolve(name));
    }

    static float[] get(String name) {
        float[] v = io().tensors().get(name);
        if (v == null) {
            throw new AssertionError("fixture has no " + name);
        }
        return v;
    }

    static NDArray array(NDManager m, String name) {
        return m.create(get(name), new Shape(io().shape(name)));
    }

    static float[][] labels(String name) {
        long[] s = io().shape(name);
        float[] v = get(name);
        float[][] out = new float[(int) s[0]][(int) s[1]];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(v, i * out[i].length, out[i], 0, out[i].length);
        }
        return out;
    }

    /** Asserts max |got − want| ≤ tol·max(1, max |want|) (relative for large values) and prints the figure. */
    static double check(String what, NDArray got, String key, double tol) {
        float[] want = get(key);
        long[] shape = io().shape(key);
        assertTrue(got.getShape().size() == new Shape(shape).size(), what + " shape " + got.getShape() + " vs "
                + new Shape(shape));
        return check(what, got.toType(DataType.FLOAT32, false).toFloatArray(), want, tol);
    }

    static double check(String what, float[] got, float[] want, double tol) {
        assertTrue(got.length == want.length, what + ": lengths " + got.length + " vs " + want.length);
        double diff = 0, scale = 0;
        for (int i = 0; i < got.length; i++) {
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        double rel = diff / Math.max(1, scale);
        System.out.printf("SemFormer parity %s: max |diff| %.3g (max |value| %.3g)%n", what, diff, scale);
        assertTrue(rel <= tol, what + ": max |diff| " + diff + " (max |value| " + scale + ")");
        return diff;
    }
}
