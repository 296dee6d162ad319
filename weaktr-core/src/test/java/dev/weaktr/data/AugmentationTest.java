package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static RgbImage pattern(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) ((i * 37 + (i / (3 * w)) * 11) % 251);
        }
        return new RgbImage(w, h, rgb);
    }

    @Test
    void sameSeedSameOutputAndShape() {
        Augmentation aug = new Augmentation(AugmentConfig.official(32));
        RgbImage img = pattern(50, 40);
        float[] a = aug.apply(img, new SplittableRandom(7));
        float[] b = aug.apply(img, new SplittableRandom(7));
        float[] c = aug.apply(img, new SplittableRandom(8));
        assertEquals(3 * 32 * 32, a.length);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void cropBoxesStayInsideTheImageAndRespectTheRanges() {
        AugmentConfig cfg = AugmentConfig.official(16);
        SplittableRandom rng = new SplittableRandom(3);
        int[][] sizes = {{50, 40}, {7, 300}, {300, 7}, {1, 1}, {224, 224}, {13, 17}};
        for (int[] s : sizes) {
            for (int i = 0; i < 2000; i++) {
                RandomResizedCrop.Box b = RandomResizedCrop.sample(s[0], s[1], cfg, rng);
                assertTrue(b.x() >= 0 && b.y() >= 0 && b.width() >= 1 && b.height() >= 1, b.toString());
                assertTrue(b.x() + b.width() <= s[0] && b.y() + b.height() <= s[1], b + " in " + Arrays.toString(s));
            }
        }
        // on a large square image the 10 tries almost always succeed: area and ratio within the ranges
        for (int i = 0; i < 2000; i++) {
            RandomResizedCrop.Box b = RandomResizedCrop.sample(1000, 1000, cfg, rng);
            double area = b.width() * (double) b.height() / 1e6, ratio = b.width() / (double) b.height();
            assertTrue(area > 0.079 && area <= 1.0, "area " + area);
            assertTrue(ratio > 0.74 && ratio < 1.35, "ratio " + ratio);
        }
    }

    /**
     * 1000x10: any area of at least 8 % (800 px) needs h >= sqrt(800 / (4/3)) = 24.5 > 10, so all 10
     * tries fail and torchvision's fallback applies: ratio 100 > 4/3, h = 10, w = round(10 * 4/3) = 13,
     * x = (1000 - 13) // 2 = 493, y = 0.
     */
    @Test
    void fallbackIsTheClampedCentreCrop() {
        RandomResizedCrop.Box b = RandomResizedCrop.sample(1000, 10, AugmentConfig.official(8), new SplittableRandom(1));
        assertEquals(new RandomResizedCrop.Box(493, 0, 13, 10), b);
        // 10x1000 the other way: w = 10, h = round(10 / (3/4)) = 13, y = (1000 - 13) // 2 = 493
        b = RandomResizedCrop.sample(10, 1000, AugmentConfig.official(8), new SplittableRandom(1));
        assertEquals(new RandomResizedCrop.Box(0, 493, 10, 13), b);
    }

    /** Full-image crop at the same size, flip always, no jitter: exactly the mirrored, normalised image. */
    @Test
    void flipOnlyGivesTheMirroredImage() {
        AugmentConfig cfg = new AugmentConfig(6, 1, 1, 1, 1, 1.0, 0, 0, 0);
        RgbImage img = pattern(6, 6);
        float[] out = new Augmentation(cfg).apply(img, new SplittableRandom(0));
        float[] want = Normalize.toChw(Augmentation.flipHorizontal(img));
        assertArrayEquals(want, out);
        assertEquals(img.get(5, 2, 1), Augmentation.flipHorizontal(img).get(0, 2, 1));
    }

    @Test
    void cropThenBicubicIsWhatApplyUses() {
        AugmentConfig cfg = AugmentConfig.official(20).withoutColorJitter();
        cfg = new AugmentConfig(20, cfg.scaleMin(), cfg.scaleMax(), cfg.ratioMin(), cfg.ratioMax(), 0, 0, 0, 0);
        RgbImage img = pattern(40, 30);
        RandomResizedCrop.Box box = RandomResizedCrop.sample(40, 30, cfg, new SplittableRandom(11));
        RgbImage want = PilResize.bicubic(RandomResizedCrop.crop(img, box), 20, 20);
        assertArrayEquals(want.rgb(), new Augmentation(cfg).applyRgb(img, new SplittableRandom(11)).rgb());
        assertEquals(img.get(box.x() + 1, box.y() + 2, 2), RandomResizedCrop.crop(img, box).get(1, 2, 2));
    }
}
