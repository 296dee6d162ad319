package dev.weaktr.io;

/**
 * EXIF orientation (1..8): how the stored pixels must be turned to show the image as a viewer does.
 * 1 as stored, 2 mirrored left-right, 3 rotated 180°, 4 mirrored top-bottom, 5 transposed (mirror +
 * 270° clockwise), 6 rotated 90° clockwise, 7 transversed (mirror + 90° clockwise), 8 rotated 270° clockwise.
 */
public final class Orientation {
    private Orientation() {}

    /** True when the displayed image is the stored one turned by ±90° (width and height swapped). */
    public static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /** The image as displayed; {@code image} itself for orientation 1 (or any value outside 2..8). */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width(), h = image.height();
        int dw = swapsAxes(orientation) ? h : w, dh = swapsAxes(orientation) ? w : h;
        byte[] src = image.rgb();
        byte[] dst = new byte[src.length];
        for (int dy = 0; dy < dh; dy++) {
            for (int dx = 0; dx < dw; dx++) {
                int s = sourceIndex(orientation, dx, dy, w, h);
                int d = dy * dw + dx;
                dst[3 * d] = src[3 * s];
                dst[3 * d + 1] = src[3 * s + 1];
                dst[3 * d + 2] = src[3 * s + 2];
            }
        }
        return new RgbImage(dw, dh, dst);
    }

    /** Index of the stored pixel shown at display position (dx, dy); w, h = stored size. */
    private static int sourceIndex(int orientation, int dx, int dy, int w, int h) {
        int sx, sy;
        switch (orientation) {
            case 2 -> { sx = w - 1 - dx; sy = dy; }
            case 3 -> { sx = w - 1 - dx; sy = h - 1 - dy; }
            case 4 -> { sx = dx; sy = h - 1 - dy; }
            case 5 -> { sx = dy; sy = dx; }
            case 6 -> { sx = dy; sy = h - 1 - dx; }
            case 7 -> { sx = w - 1 - dy; sy = h - 1 - dx; }
            case 8 -> { sx = w - 1 - dy; sy = dx; }
            default -> { sx = dx; sy = dy; }
        }
        return sy * w + sx;
    }
}
