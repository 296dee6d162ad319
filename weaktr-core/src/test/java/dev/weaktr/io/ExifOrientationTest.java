package dev.weaktr.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXIF orientation: parsed from JPEGs built here with each value, applied by ImageFiles.readRgb. */
class ExifOrientationTest {
    @TempDir
    Path tmp;

    /**
     * Where the stored top-left (red) and top-right (green) corner blocks appear on screen for each
     * orientation 1..8 (TL, TR, BR, BL), as the EXIF specification describes the viewer's turn.
     */
    private static final String[][] CORNERS = {
        {"TL", "TR"}, {"TR", "TL"}, {"BR", "BL"}, {"BL", "BR"},
        {"TL", "BL"}, {"TR", "BR"}, {"BR", "TR"}, {"BL", "TL"},
    };

    @Test
    void everyOrientationShowsTheCornersWhereAViewerDoes() throws Exception {
        for (boolean le : new boolean[] {true, false}) {
            for (int o = 1; o <= 8; o++) {
                Path f = tmp.resolve("o" + o + (le ? "le" : "be") + ".jpg");
                Files.write(f, ExifJpegs.withOrientation(ExifJpegs.markers(), o, le));
                RgbImage shown = ImageFiles.readRgb(f);
                boolean swapped = o >= 5;
                assertEquals(swapped ? 32 : 48, shown.width(), "orientation " + o);
                assertEquals(swapped ? 48 : 32, shown.height(), "orientation " + o);
                assertArrayEquals(new int[] {shown.width(), shown.height()}, ImageFiles.displaySize(f));
                assertColour(shown, CORNERS[o - 1][0], 255, 0, 0, "red, orientation " + o);
                assertColour(shown, CORNERS[o - 1][1], 0, 255, 0, "green, orientation " + o);
                assertEquals(o, JpegHeader.parse(Files.readAllBytes(f)).orientation());
            }
        }
    }

    @Test
    void orientationAppliedExactlyOnPixels() {
        RgbImage img = new RgbImage(3, 2, new byte[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5});
        // stored:  0 1 2 / 3 4 5 ; displayed per orientation, row-major
        int[][] expected = {
            {0, 1, 2, 3, 4, 5}, {2, 1, 0, 5, 4, 3}, {5, 4, 3, 2, 1, 0}, {3, 4, 5, 0, 1, 2},
            {0, 3, 1, 4, 2, 5}, {3, 0, 4, 1, 5, 2}, {5, 2, 4, 1, 3, 0}, {2, 5, 1, 4, 0, 3},
        };
        for (int o = 1; o <= 8; o++) {
            RgbImage d = Orientation.apply(img, o);
            int[] got = new int[6];
            for (int i = 0; i < 6; i++) {
                got[i] = d.rgb()[3 * i];
            }
            assertArrayEquals(expected[o - 1], got, "orientation " + o + ": " + Arrays.toString(got));
            assertEquals(o >= 5 ? 2 : 3, d.width());
        }
    }

    @Test
    void malformedOrMissingExifMeansAsStored() throws Exception {
        byte[] plain = ExifJpegs.jpeg(ExifJpegs.markers());
        assertEquals(1, JpegHeader.parse(plain).orientation());
        assertFalse(JpegHeader.parse(plain).truncated());
        assertEquals(3, JpegHeader.parse(plain).components());
        assertEquals(8, JpegHeader.parse(plain).precision());
        byte[] bad = ExifJpegs.withOrientation(ExifJpegs.markers(), 6, true);
        bad[2 + 4 + 6 + 4] = 99; // IFD0 offset points far outside the segment
        assertEquals(1, JpegHeader.parse(bad).orientation());
        byte[] nine = ExifJpegs.withOrientation(ExifJpegs.markers(), 9, false);
        assertEquals(1, JpegHeader.parse(nine).orientation(), "invalid value 9 = as stored");
        Path f = tmp.resolve("bad.jpg");
        Files.write(f, bad);
        assertEquals(48, ImageFiles.readRgb(f).width());
    }

    @Test
    void truncatedJpegHasNoEndMarker() {
        byte[] full = ExifJpegs.jpeg(ExifJpegs.markers());
        assertTrue(JpegHeader.parse(Arrays.copyOf(full, full.length - 40)).truncated());
        assertTrue(JpegHeader.parse(Arrays.copyOf(full, 300)).truncated());
    }

    private static void assertColour(RgbImage img, String corner, int r, int g, int b, String what) {
        int x = corner.charAt(1) == 'L' ? 8 : img.width() - 9;
        int y = corner.charAt(0) == 'T' ? 8 : img.height() - 9;
        int[] got = {img.get(x, y, 0), img.get(x, y, 1), img.get(x, y, 2)};
        assertTrue(Math.abs(got[0] - r) < 40 && Math.abs(got[1] - g) < 40 && Math.abs(got[2] - b) < 40,
                what + " expected at " + corner + " but found " + Arrays.toString(got));
    }
}
