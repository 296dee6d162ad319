package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.weaktr.io.RgbImage;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorJitterTest {
    private final Map<String, RgbImage> pil = PilFixture.load();
    private final RgbImage input = pil.get("input");

    private void assertSame(String fixture, RgbImage got) {
        assertArrayEquals(PilFixture.unsigned(pil.get(fixture)), PilFixture.unsigned(got), fixture);
    }

    @Test
    void brightnessMatchesPillow() {
        assertSame("brightness_1.3", ColorJitter.brightness(input, 1.3f));
        assertSame("brightness_0.6", ColorJitter.brightness(input, 0.6f));
    }

    @Test
    void contrastMatchesPillow() {
        assertSame("contrast_1.4", ColorJitter.contrast(input, 1.4f));
        assertSame("contrast_0.5", ColorJitter.contrast(input, 0.5f));
    }

    @Test
    void saturationMatchesPillow() {
        assertSame("saturation_1.5", ColorJitter.saturation(input, 1.5f));
        assertSame("saturation_0.3", ColorJitter.saturation(input, 0.3f));
        assertSame("grey", ColorJitter.saturation(input, 0f));
    }

    /** Brightness by hand: trunc(f * v) clamped: 0.6 * 101 = 60.6 -> 60; 1.3 * 200 = 260 -> 255. */
    @Test
    void brightnessByHand() {
        RgbImage img = new RgbImage(1, 1, new byte[] {(byte) 101, (byte) 200, 7});
        assertArrayEquals(new int[] {60, 120, 4}, PilFixture.unsigned(ColorJitter.brightness(img, 0.6f)));
        assertArrayEquals(new int[] {131, 255, 9}, PilFixture.unsigned(ColorJitter.brightness(img, 1.3f)));
    }

    @Test
    void zeroStrengthIsIdentityAndSeededJitterIsRepeatable() {
        AugmentConfig none = AugmentConfig.official(8).withoutColorJitter();
        assertArrayEquals(input.rgb(), ColorJitter.apply(input, none, new SplittableRandom(1)).rgb());
        AugmentConfig cfg = AugmentConfig.official(8);
        byte[] a = ColorJitter.apply(input, cfg, new SplittableRandom(5)).rgb();
        byte[] b = ColorJitter.apply(input, cfg, new SplittableRandom(5)).rgb();
        byte[] c = ColorJitter.apply(input, cfg, new SplittableRandom(6)).rgb();
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
        assertEquals(input.rgb().length, a.length);
    }
}
