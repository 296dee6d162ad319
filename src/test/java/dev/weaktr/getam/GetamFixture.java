package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.backbone.ResNetV2;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The fixtures written by the official weixuansun/GETAM code (src/test/resources/getam/README.md): two scaled-down
 * networks, a hybrid ({@code getam_hybrid*.pth}) and a distilled DeiT ({@code getam_distilled*.pth}).
 */
final class GetamFixture {
    static final Path DIR = Path.of("src/test/resources/getam");
    /** ViT width 32, 2 heads, 12 blocks, built for 128 px (8×8 position grid); ResNetV2 (1, 2, 1) × (128, 256, 256). */
    static final DptVitConfig TINY_HYBRID = new DptVitConfig("tiny-hybrid",
            new VitConfig("tiny-hybrid", 16, 32, 12, 2, 4, 1e-6f, 0, 128),
            new ResNetV2.Config(new int[] {1, 2, 1}, new int[] {128, 256, 256}, 64), false,
            new int[] {0, 1, 8, 11}, new int[] {128, 256, 32, 32});
    static final DptVitConfig TINY_DISTILLED = new DptVitConfig("tiny-distilled",
            new VitConfig("tiny-distilled", 16, 32, 12, 2, 4, 1e-6f, 0, 128), null, true,
            new int[] {2, 5, 8, 11}, new int[] {16, 32, 48, 32});

    private static final Map<String, WeightFile> FILES = new HashMap<>();

    static GetamConfig config(String tag) {
        return new GetamConfig(tag.equals("hybrid") ? TINY_HYBRID : TINY_DISTILLED, 4, 32);
    }

    static synchronized WeightFile file(String name) {
        return FILES.computeIfAbsent(name, n -> WeightFile.read(DIR.resolve(n)));
    }

    static WeightFile weights(String tag) {
        return file("getam_" + tag + ".pth");
    }

    static WeightFile io(String tag) {
        return file("getam_" + tag + "_io.pth");
    }

    static NDArray array(NDManager m, String tag, String key) {
        WeightFile io = io(tag);
        return m.create(io.tensors().get(key), new Shape(io.shape(key)));
    }

    /** max |got − want| after checking the shape. */
    static double maxAbsDiff(NDArray got, WeightFile io, String key) {
        Shape want = new Shape(io.shape(key));
        if (!got.getShape().equals(want)) {
            throw new AssertionError(key + ": shape " + got.getShape() + ", expected " + want);
        }
        float[] a = got.toType(DataType.FLOAT32, false).toFloatArray();
        float[] b = io.tensors().get(key);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double maxAbs(WeightFile io, String key) {
        double max = 0;
        for (float v : io.tensors().get(key)) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
