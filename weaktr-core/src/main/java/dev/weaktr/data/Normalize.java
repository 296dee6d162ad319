package dev.weaktr.data;

import dev.weaktr.io.RgbImage;

/**
 * torchvision's {@code ToTensor} + {@code Normalize(mean, std)} with ImageNet statistics (spec §2.2):
 * {@code out[c][y][x] = (rgb[y][x][c] / 255 - mean[c]) / std[c]}, computed in float32.
 */
public final class Normalize {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private Normalize() {}

    public static float mean(int channel) {
        return MEAN[channel];
    }

    public static float std(int channel) {
        return STD[channel];
    }

    /** Returns {@code [3, H, W]} row-major. */
    public static float[] toChw(RgbImage img) {
        float[] out = new float[3 * img.width() * img.height()];
        toChw(img, out, 0);
        return out;
    }

    /** Writes {@code [3, H, W]} row-major into {@code out} from {@code offset} (e.g. one slot of a batch). */
    public static void toChw(RgbImage img, float[] out, int offset) {
        toChw(img, out, offset, MEAN, STD);
    }

    /** {@code [3, H, W]} with other statistics (0–1 scale, RGB), e.g. an encoder's {@link ImageStats}. */
    public static float[] toChw(RgbImage img, double[] mean, double[] std) {
        float[] out = new float[3 * img.width() * img.height()];
        float[] m = {(float) mean[0], (float) mean[1], (float) mean[2]};
        float[] s = {(float) std[0], (float) std[1], (float) std[2]};
        toChw(img, out, 0, m, s);
        return out;
    }

    private static void toChw(RgbImage img, float[] out, int offset, float[] mean, float[] std) {
        int plane = img.width() * img.height();
        byte[] rgb = img.rgb();
        for (int c = 0; c < 3; c++) {
            float m = mean[c], s = std[c];
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                out[base + i] = ((rgb[3 * i + c] & 0xff) / 255f - m) / s;
            }
        }
    }
}
