package dev.weaktr.afa;

import dev.weaktr.backbone.MitConfig;
import dev.weaktr.io.WeightFile;
import java.nio.file.Path;

/**
 * The fixtures written by the official rulixiang/afa code (src/test/resources/afa/README.md): a scaled-down
 * WeTr ({@code afa_tiny.pth}, DDP "module." names) and its inputs and outputs ({@code afa_tiny_io.pth}).
 */
final class AfaFixture {
    static final Path DIR = Path.of("src/test/resources/afa");
    /** The fixture's MiT: dims 16/32/40/64, depths 1/1/1/2, heads 1/2/5/8, sr 8/4/2/1, AFA strides. */
    static final MitConfig MIT_TINY = new MitConfig("mit-tiny", new int[] {16, 32, 40, 64}, new int[] {1, 1, 1, 2},
            new int[] {1, 2, 5, 8}, new int[] {8, 4, 2, 1}, new int[] {4, 2, 2, 1}, 4, 0.1);
    static final AfaConfig NET = new AfaConfig(MIT_TINY, 3, 32);

    private static WeightFile weights;
    private static WeightFile io;

    static synchronized WeightFile weights() {
        if (weights == null) {
            weights = WeightFile.read(DIR.resolve("afa_tiny.pth"));
        }
        return weights;
    }

    static synchronized WeightFile io() {
        if (io == null) {
            io = WeightFile.read(DIR.resolve("afa_tiny_io.pth"));
        }
        return io;
    }

    static float[] get(String name) {
        return io().tensors().get(name);
    }

    static long[] shape(String name) {
        return io().shape(name);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double equalFraction(float[] a, float[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return same / (double) a.length;
    }
}
