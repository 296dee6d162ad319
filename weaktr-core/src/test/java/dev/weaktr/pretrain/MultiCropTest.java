package dev.weaktr.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiCropTest {
    @Test
    void greyAndSolarizeAsPil() {
        RgbImage img = new RgbImage(2, 1, new byte[] {(byte) 200, 100, 50, 0, (byte) 128, (byte) 255});
        // L = (299 R + 587 G + 114 B) / 1000: (59800 + 58700 + 5700) / 1000 = 124.2 -> 124; (75136 + 29070) / 1000 = 104.2 -> 104
        assertArrayEquals(new byte[] {124, 124, 124, 104, 104, 104}, MultiCrop.grey(img).rgb());
        // solarize(128): v >= 128 -> 255 - v
        assertArrayEquals(new byte[] {55, 100, 50, 0, 127, 0}, MultiCrop.solarize(img).rgb());
    }

    @Test
    void blurKeepsAConstantImageAndSpreadsAnImpulse() {
        byte[] flat = new byte[9 * 9 * 3];
        java.util.Arrays.fill(flat, (byte) 77);
        assertArrayEquals(flat, MultiCrop.blur(new RgbImage(9, 9, flat), 1.3).rgb());
        byte[] dot = new byte[9 * 9 * 3];
        dot[(4 * 9 + 4) * 3] = (byte) 255;
        RgbImage b = MultiCrop.blur(new RgbImage(9, 9, dot), 1.0);
        // 1-D kernel at 0 and ±1 for sigma 1, radius 3: w0 = 1/Z, w1 = e^-0.5/Z; centre = 255 w0², neighbour = 255 w0 w1
        double z = 0;
        for (int i = -3; i <= 3; i++) {
            z += Math.exp(-i * i / 2.0);
        }
        assertEquals(Math.round(255 / (z * z)), b.get(4, 4, 0));
        assertEquals(Math.round(255 * Math.exp(-0.5) / (z * z)), b.get(5, 4, 0));
    }

    @Test
    void viewsHaveTheirSizesAndFollowTheGenerator() {
        MultiCrop mc = new MultiCrop(32, 16, 3, 0.4);
        byte[] rgb = new byte[40 * 30 * 3];
        new SplittableRandom(1).nextBytes(rgb);
        RgbImage img = new RgbImage(40, 30, rgb);
        float[][] a = mc.views(img, new SplittableRandom(5));
        float[][] b = mc.views(img, new SplittableRandom(5));
        assertEquals(5, a.length);
        assertEquals(3 * 32 * 32, a[0].length);
        assertEquals(3 * 32 * 32, a[1].length);
        assertEquals(3 * 16 * 16, a[4].length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
    }
}
