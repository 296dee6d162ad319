package dev.weaktr.data.coco;

/**
 * A binary mask as COCO run-length encoding: {@code counts} alternate runs of 0s and 1s, starting
 * with 0s (a mask starting with 1s has a first count of 0), over the pixels in COLUMN-MAJOR order
 * (pixel (x, y) is position {@code x * height + y}), as in pycocotools' {@code maskApi.c}.
 *
 * <p>Instances are immutable by convention: {@code counts} is not copied and must not be changed.
 */
public record Rle(int height, int width, int[] counts) {

    /** The number of pixels the counts cover (should equal {@code height * width}). */
    public long countSum() {
        long sum = 0;
        for (int c : counts) {
            sum += c;
        }
        return sum;
    }

    /** The number of 1-pixels: the sum of the odd-position runs ({@code rleArea}). */
    public long area() {
        long sum = 0;
        for (int j = 1; j < counts.length; j += 2) {
            sum += counts[j];
        }
        return sum;
    }

    /** Decodes to a column-major 0/1 mask of {@code height * width} bytes ({@code rleDecode}). */
    public byte[] decodeColumnMajor() {
        byte[] mask = new byte[height * width];
        int pos = 0;
        for (int j = 0; j < counts.length; j++) {
            if ((j & 1) == 1) {
                java.util.Arrays.fill(mask, pos, pos + counts[j], (byte) 1);
            }
            pos += counts[j];
        }
        return mask;
    }

    /**
     * Paints {@code value} into a ROW-MAJOR canvas ({@code canvas[y * width + x]}) at the mask's
     * 1-pixels that are still 0 in the canvas: the first writer wins. The counts must sum to
     * {@code height * width} (checked by the caller).
     */
    public void paintFirstWriterWins(byte[] canvas, byte value) {
        int pos = 0;
        for (int j = 0; j < counts.length; j++) {
            int run = counts[j];
            if ((j & 1) == 1 && run > 0) {
                paintRun(canvas, pos, run, value);
            }
            pos += run;
        }
    }

    private void paintRun(byte[] canvas, int start, int run, byte value) {
        int x = start / height;
        int y = start - x * height;
        for (int i = 0; i < run; i++) {
            int k = y * width + x;
            if (canvas[k] == 0) {
                canvas[k] = value;
            }
            if (++y == height) {
                y = 0;
                x++;
            }
        }
    }
}
