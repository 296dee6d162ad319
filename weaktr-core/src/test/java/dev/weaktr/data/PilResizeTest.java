package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PilResizeTest {
    /** A w x 1 image whose three channels all hold {@code values}. */
    private static RgbImage row(int... values) {
        byte[] rgb = new byte[values.length * 3];
        for (int i = 0; i < values.length; i++) {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) values[i];
        }
        return new RgbImage(values.length, 1, rgb);
    }

    private static int[] red(RgbImage img) {
        int[] out = new int[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.rgb()[3 * i] & 0xff;
        }
        return out;
    }

    /**
     * 4x1 to 2x1 bicubic: scale 2, the kernel widens to support 4. Output 0: centre 1.0, taps x = 0..3,
     * weights cubic((x - 0.5)/2) = cubic(-0.25, 0.25, 0.75, 1.25) = 0.8671875, 0.8671875, 0.2265625,
     * -0.0703125 (a = -0.5), sum 1.890625; on [0, 100, 200, 250]: (86.71875 + 45.3125 - 17.578125)
     * / 1.890625 = 60.54 -> 61. Output 1 mirrors it: centre 3.0, weights -0.0703125, 0.2265625,
     * 0.8671875, 0.8671875: (22.65625 + 173.4375 + 216.796875) / 1.890625 = 218.39 -> 218.
     */
    @Test
    void bicubicShrinkMatchesHandComputation() {
        assertArrayEquals(new int[] {61, 218}, red(PilResize.bicubic(row(0, 100, 200, 250), 2, 1)));
    }

    /**
     * 2x1 to 4x1 bicubic: scale 0.5, support 2, centres 0.25, 0.75, 1.25, 1.75, both input pixels in
     * reach. Output 0: cubic(0.25)=0.8671875, cubic(1.25)=-0.0703125, normalised 1.0882, -0.0882:
     * 40*1.0882 - 200*0.0882 = 25.88 -> 26. Output 1: cubic(0.25), cubic(0.75)=0.2265625 -> 0.7929,
     * 0.2071: 73.14 -> 73. Outputs 2, 3 mirror: 166.86 -> 167, 214.12 -> 214.
     */
    @Test
    void bicubicEnlargeMatchesHandComputation() {
        assertArrayEquals(new int[] {26, 73, 167, 214}, red(PilResize.bicubic(row(40, 200), 4, 1)));
    }

    /**
     * 4x1 to 2x1 bilinear: support 2 when shrinking by 2. Output 0: taps 0..2 with triangle weights
     * 0.75, 0.75, 0.25 (sum 1.75): (75 + 50) / 1.75 = 71.43 -> 71. Output 1: taps 1..3, 0.25, 0.75,
     * 0.75: (25 + 150 + 187.5) / 1.75 = 207.14 -> 207.
     */
    @Test
    void bilinearShrinkMatchesHandComputation() {
        assertArrayEquals(new int[] {71, 207}, red(PilResize.bilinear(row(0, 100, 200, 250), 2, 1)));
    }

    /** Nearest: source floor((x + 0.5) * in/out): 4 to 3 reads 0, 2, 3; 3 to 7 reads 0,0,1,1,1,2,2. */
    @Test
    void nearestMatchesHandComputation() {
        assertArrayEquals(new int[] {0, 200, 250}, red(PilResize.nearest(row(0, 100, 200, 250), 3, 1)));
        assertArrayEquals(new int[] {0, 0, 100, 100, 100, 200, 200}, red(PilResize.nearest(row(0, 100, 200), 7, 1)));
    }

    @Test
    void matchesPillowOnEveryFixtureCase() {
        Map<String, RgbImage> cases = PilFixture.load();
        RgbImage input = cases.get("input");
        int checked = 0;
        for (Map.Entry<String, RgbImage> e : cases.entrySet()) {
            String name = e.getKey();
            if (!name.contains("_") || !(name.startsWith("bicubic") || name.startsWith("bilinear") || name.startsWith("nearest"))) {
                continue;
            }
            PilResize.Filter filter = PilResize.Filter.valueOf(name.substring(0, name.indexOf('_')).toUpperCase());
            RgbImage want = e.getValue();
            RgbImage got = PilResize.resize(input, want.width(), want.height(), filter);
            assertArrayEquals(PilFixture.unsigned(want), PilFixture.unsigned(got), name);
            checked++;
        }
        assertEquals(21, checked, "fixture cases");
    }

    @Test
    void labelMapNearestPicksTheSamePixelsAsRgbNearest() {
        RgbImage input = PilFixture.load().get("input");
        byte[] labels = new byte[input.width() * input.height()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = input.rgb()[3 * i];
        }
        LabelMap small = PilResize.nearest(new LabelMap(labels, input.width(), input.height()), 4, 3);
        RgbImage want = PilResize.nearest(input, 4, 3);
        for (int i = 0; i < 12; i++) {
            assertEquals(want.rgb()[3 * i], small.labels()[i]);
        }
    }

    @Test
    void sameSizeIsACopy() {
        RgbImage img = row(1, 2, 3);
        RgbImage out = PilResize.bicubic(img, 3, 1);
        assertArrayEquals(img.rgb(), out.rgb());
        assertTrue(img.rgb() != out.rgb());
    }
}
