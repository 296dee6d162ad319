package dev.weaktr.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.BilinearUpsample;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResizeTest {
    @Test
    void bilinearTwoToFourByHand() {
        // align_corners=False, scale 0.5: x = (i+0.5)/2 - 0.5 -> -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped to last)
        float[] w = BilinearResize.weights(2, 4);
        assertArrayEquals(new float[] {1, 0, 0.75f, 0.25f, 0.25f, 0.75f, 0, 1}, w, 1e-6f);
    }

    @Test
    void tensorAndJavaBilinearAgree() {
        SplittableRandom r = new SplittableRandom(4);
        float[] maps = new float[2 * 5 * 7];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = (float) r.nextDouble();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] viaTensor = BilinearResize.resize(m.create(maps, new Shape(2, 5, 7)), 13, 4).toFloatArray();
            assertArrayEquals(BilinearUpsample.resize(maps, 2, 5, 7, 13, 4), viaTensor, 1e-5f);
        }
    }

    @Test
    void bicubicScaleFactorGridByHand() {
        // identity when the scale is 1: each row is a unit vector
        float[] id = BicubicResize.weights(3, 3, 1.0);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, id, 1e-6f);
        // 2 -> 4 at scale 2: output 0 reads x = -0.25: taps at -2,-1,0,1 (clamped) with t = 0.75
        float[] w = BicubicResize.weights(2, 4, 2.0);
        double a = -0.75, t = 0.75;
        double c0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a; // |x| in (1,2)
        double c1 = ((a + 2) * t - (a + 3)) * t * t + 1;
        double c2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
        double c3 = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
        assertArrayEquals(new float[] {(float) (c0 + c1 + c2), (float) c3}, new float[] {w[0], w[1]}, 1e-6f);
    }
}
