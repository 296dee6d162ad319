package dev.weaktr.afa;

import dev.weaktr.data.PilResize;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * AFA's training augmentation (rulixiang/afa {@code datasets/transforms.py}): random rescale by a ratio in
 * [0.5, 2.0] (PIL bilinear to (int(r·w), int(r·h))), horizontal flip with p = 0.5, then a random crop (without the official's label-based retry, which needs no label here) of
 * crop×crop from the image zero-padded (in pixel space, before normalisation) to at least the crop at a random
 * offset; the valid box is recorded. No colour jitter. Normalised with ImageNet mean/std.
 */
final class AfaCrop {
    private AfaCrop() {}

    /** One crop: normalised {@code [3, S, S]} and its valid box. */
    record Sample(float[] image, AfaLabels.Box box) {}

    /** {@code normalize_img}: (v − mean)/std on 0–255 values in float32, HWC bytes → CHW. */
    static float[] normalise(byte[] rgb, int hw) {
        float[] out = new float[3 * hw];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < hw; i++) {
                out[c * hw + i] = ((rgb[i * 3 + c] & 0xff) - AfaLabels.MEAN[c]) / AfaLabels.STD[c];
            }
        }
        return out;
    }

    static Sample apply(RgbImage img, int crop, double scaleMin, double scaleMax, SplittableRandom rng) {
        double r = scaleMin + (scaleMax - scaleMin) * rng.nextDouble();
        int w = Math.max(1, (int) (r * img.width())), h = Math.max(1, (int) (r * img.height()));
        RgbImage scaled = PilResize.bilinear(img, w, h);
        boolean flip = rng.nextDouble() > 0.5;
        int ph = Math.max(crop, h), pw = Math.max(crop, w);
        int padY = rng.nextInt(ph - h + 1), padX = rng.nextInt(pw - w + 1);
        int y0 = rng.nextInt(ph - crop + 1), x0 = rng.nextInt(pw - crop + 1);
        byte[] out = new byte[crop * crop * 3]; // zeros = black padding
        for (int y = 0; y < crop; y++) {
            int sy = y0 + y - padY;
            if (sy < 0 || sy >= h) {
                continue;
            }
            for (int x = 0; x < crop; x++) {
                int sx = x0 + x - padX;
                if (sx < 0 || sx >= w) {
                    continue;
                }
                int src = flip ? w - 1 - sx : sx;
                for (int c = 0; c < 3; c++) {
                    out[(y * crop + x) * 3 + c] = scaled.rgb()[(sy * w + src) * 3 + c];
                }
            }
        }
        AfaLabels.Box box = new AfaLabels.Box(Math.max(padY - y0, 0), Math.min(crop, padY + h - y0),
                Math.max(padX - x0, 0), Math.min(crop, padX + w - x0));
        return new Sample(normalise(out, crop * crop), box);
    }
}
