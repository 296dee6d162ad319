package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.RgbImage;
import org.junit.jupiter.api.Test;

class CompactLabelsTest {
    @Test
    void compactsAndExpandsTheLabelsPresent() {
        byte[] labels = {0, 15, (byte) 255, 15, 7, 0};
        CompactLabels c = CompactLabels.of(labels);
        assertArrayEquals(new int[] {0, 7, 15}, c.keys());
        assertArrayEquals(new byte[] {0, 2, (byte) 255, 2, 1, 0}, c.compact());
        assertArrayEquals(labels, c.expand(c.compact()));
    }

    @Test
    void givenKeysMayIncludeAbsentLabelsButMustCoverThePresentOnes() {
        CompactLabels c = CompactLabels.over(new byte[] {0, 12}, new int[] {0, 3, 12});
        assertArrayEquals(new byte[] {0, 2}, c.compact());
        assertThrows(WeaktrException.class, () -> CompactLabels.over(new byte[] {0, 5}, new int[] {0, 3}));
        assertThrows(WeaktrException.class, () -> CompactLabels.over(new byte[] {0}, new int[] {0, 0}));
    }

    /** Refining original ids through the compact set equals refining the compact map by hand. */
    @Test
    void refineLabelMapMatchesCompactRefinement() {
        int w = 20;
        int h = 16;
        RgbImage img = TestImages.halves(w, h, 3, 6);
        byte[] compact = TestImages.flip(TestImages.halvesLabels(w, h, 3), 3, 0.2, 1);
        int[] keys = {0, 9, 14};
        byte[] original = new byte[compact.length];
        for (int i = 0; i < compact.length; i++) {
            original[i] = (byte) keys[compact[i]];
        }
        byte[] expected = DenseCrf.refineLabels(img, compact, 3, CrfConfig.WEAKTR_CAM_VOC);
        byte[] got = DenseCrf.refineLabelMap(new MeanField(), img, original, null, CrfConfig.WEAKTR_CAM_VOC);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) keys[expected[i]];
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void refineChannelsUsesOnlyTheGivenChannels() {
        int w = 20;
        int h = 16;
        int n = w * h;
        RgbImage img = TestImages.halves(w, h, 3, 6);
        float[] three = TestImages.noisyProbabilities(TestImages.halvesLabels(w, h, 3), 3, 2);
        float[] five = new float[5 * n];
        System.arraycopy(three, 0, five, 0, n); // channel 0 ← 0
        System.arraycopy(three, n, five, 2 * n, n); // channel 2 ← 1
        System.arraycopy(three, 2 * n, five, 4 * n, n); // channel 4 ← 2
        java.util.Arrays.fill(five, n, 2 * n, 1f); // channels 1 and 3 would win if used
        java.util.Arrays.fill(five, 3 * n, 4 * n, 1f);
        byte[] got = DenseCrf.refineChannels(new MeanField(), img, five, 5, new int[] {0, 2, 4}, CrfConfig.WEAKTR_SEG_VOC);
        byte[] expected = DenseCrf.argmax(DenseCrf.refine(img, three, 3, CrfConfig.WEAKTR_SEG_VOC), 3, n);
        for (int i = 0; i < n; i++) {
            expected[i] = (byte) (2 * expected[i]);
        }
        assertArrayEquals(expected, got);
    }
}
