package dev.weaktr.data;

import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter} on PIL images, which calls PIL's {@code ImageEnhance}: each
 * operation blends the image with a "degenerate" image, {@code out = trunc(d + f * (img - d))} in
 * float32, clamped to [0, 255] (Pillow {@code Blend.c}). Degenerate image: black (brightness), the
 * grey level {@code int(mean(L) + 0.5)} (contrast), the image's own grey version (saturation), with
 * {@code L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16} (Pillow {@code Convert.c}). Factors are
 * drawn from U(max(0, 1-j), 1+j); the three operations run in a random order, as torchvision does.
 */
public final class ColorJitter {
    private ColorJitter() {}

    public static RgbImage apply(RgbImage img, AugmentConfig cfg, SplittableRandom rng) {
        double[] strength = {cfg.brightness(), cfg.contrast(), cfg.saturation()};
        int[] order = {0, 1, 2};
        for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] factor = new float[3];
        for (int k = 0; k < 3; k++) {
            double lo = Math.max(0, 1 - strength[k]), hi = 1 + strength[k];
            factor[k] = strength[k] == 0 ? 1f : (float) (lo + (hi - lo) * rng.nextDouble());
        }
        RgbImage out = img;
        for (int k : order) {
            if (strength[k] == 0) {
                continue;
            }
            out = switch (k) {
                case 0 -> brightness(out, factor[0]);
                case 1 -> contrast(out, factor[1]);
                default -> saturation(out, factor[2]);
            };
        }
        return out;
    }

    public static RgbImage brightness(RgbImage img, float factor) {
        return blend(new byte[img.rgb().length], img, factor);
    }

    public static RgbImage contrast(RgbImage img, float factor) {
        byte[] grey = grey(img);
        long sum = 0;
        for (byte g : grey) {
            sum += g & 0xff;
        }
        int mean = (int) ((double) sum / grey.length + 0.5);
        byte[] d = new byte[img.rgb().length];
        java.util.Arrays.fill(d, (byte) mean);
        return blend(d, img, factor);
    }

    public static RgbImage saturation(RgbImage img, float factor) {
        byte[] grey = grey(img);
        byte[] d = new byte[img.rgb().length];
        for (int i = 0; i < grey.length; i++) {
            d[3 * i] = d[3 * i + 1] = d[3 * i + 2] = grey[i];
        }
        return blend(d, img, factor);
    }

    /** PIL's RGB to L conversion, {@code [H, W]}. */
    static byte[] grey(RgbImage img) {
        byte[] rgb = img.rgb();
        byte[] out = new byte[rgb.length / 3];
        for (int i = 0; i < out.length; i++) {
            int r = rgb[3 * i] & 0xff, g = rgb[3 * i + 1] & 0xff, b = rgb[3 * i + 2] & 0xff;
            out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        return out;
    }

    /** PIL's Image.blend(degenerate, img, factor). */
    private static RgbImage blend(byte[] degenerate, RgbImage img, float factor) {
        if (factor == 1f) {
            return img;
        }
        byte[] src = img.rgb();
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            int d = degenerate[i] & 0xff;
            float t = d + factor * ((src[i] & 0xff) - d);
            out[i] = (byte) (t <= 0f ? 0 : t >= 255f ? 255 : (int) t);
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
