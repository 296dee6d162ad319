package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenCvLinearResize} against {@code cv2.resize} (INTER_LINEAR) itself: random 8-bit images resized by OpenCV
 * 5.0.0 (fixture {@code opencv/resize.txt}, written by {@code tools/fixtures/opencv_resize_fixture.py}), bit for bit:
 * up-scales to GETAM's kind of square sizes, a down-scale, the exact 2× down-scale (OpenCV's area fast path) and a row
 * of 123 bytes (not a multiple of the SIMD width).
 */
class OpenCvLinearResizeTest {
    @Test
    void matchesOpenCv() throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                OpenCvLinearResizeTest.class.getResourceAsStream("/opencv/resize.txt"), StandardCharsets.US_ASCII))) {
            r.readLine();
            String line;
            int cases = 0;
            while ((line = r.readLine()) != null) {
                String[] d = line.trim().split(" ");
                int h = Integer.parseInt(d[0]), w = Integer.parseInt(d[1]), oh = Integer.parseInt(d[2]), ow = Integer.parseInt(d[3]);
                byte[] src = HexFormat.of().parseHex(r.readLine().trim()), want = HexFormat.of().parseHex(r.readLine().trim());
                byte[] got = OpenCvLinearResize.resize(src, h, w, 3, oh, ow);
                assertEquals(want.length, got.length);
                int maxDiff = 0, differ = 0;
                for (int i = 0; i < got.length; i++) {
                    int diff = Math.abs((got[i] & 0xff) - (want[i] & 0xff));
                    maxDiff = Math.max(maxDiff, diff);
                    differ += diff > 0 ? 1 : 0;
                }
                System.out.printf("cv2.resize %dx%d -> %dx%d: %d of %d bytes differ, max %d%n", h, w, oh, ow, differ, got.length, maxDiff);
                assertEquals(0, maxDiff, h + "x" + w + " -> " + oh + "x" + ow);
                cases++;
            }
            assertEquals(6, cases);
        }
    }
}
