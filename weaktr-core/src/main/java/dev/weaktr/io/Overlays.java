package dev.weaktr.io;

/** Pictures for people: CAM heat maps and label maps blended over the image. */
public final class Overlays {
    private Overlays() {}

    /** JET colour of v in [0, 1] as 0xRRGGBB. */
    public static int jet(float v) {
        float t = Math.max(0, Math.min(1, v));
        float r = clamp(1.5f - Math.abs(4 * t - 3));
        float g = clamp(1.5f - Math.abs(4 * t - 2));
        float b = clamp(1.5f - Math.abs(4 * t - 1));
        return ((int) (r * 255) << 16) | ((int) (g * 255) << 8) | (int) (b * 255);
    }

    private static float clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }

    /** Blends a JET heat map (heat [H·W] in [0, 1]) over the image with weight {@code alpha}. */
    public static RgbImage heatmap(RgbImage image, float[] heat, float alpha) {
        byte[] out = new byte[image.rgb().length];
        for (int i = 0; i < heat.length; i++) {
            blend(image.rgb(), out, i, jet(heat[i]), alpha);
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** Blends VOC palette colours of a label map over the image; background and ignore stay as the image. */
    public static RgbImage labels(RgbImage image, LabelPng.LabelMap map, float alpha) {
        byte[] out = image.rgb().clone();
        for (int i = 0; i < map.labels().length; i++) {
            int l = map.labels()[i] & 0xff;
            if (l != 0 && l != LabelPng.IGNORE) {
                blend(image.rgb(), out, i, LabelPng.vocColor(l), alpha);
            }
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    private static void blend(byte[] src, byte[] dst, int pixel, int rgb, float alpha) {
        for (int c = 0; c < 3; c++) {
            int a = src[3 * pixel + c] & 0xff;
            int b = (rgb >> (16 - 8 * c)) & 0xff;
            dst[3 * pixel + c] = (byte) Math.round(a * (1 - alpha) + b * alpha);
        }
    }
}
