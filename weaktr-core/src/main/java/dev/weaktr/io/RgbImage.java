package dev.weaktr.io;

/**
 * An 8-bit RGB image, interleaved and row-major: pixel (x, y) channel c is
 * {@code rgb[(y * width + x) * 3 + c] & 0xff}.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("bad RGB image " + width + "x" + height + " with " + rgb.length + " bytes");
        }
    }

    /** A black image. */
    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
