package dev.weaktr.semformer;

import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.ColorJitter;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * AffinityNet's training augmentation (train_affinitynet.py): RandomResize of the long side to U{min … max} (PIL
 * bicubic image, nearest label; Python's round) → h-flip 0.5 → ColorJitter(0.3, 0.3, 0.3) → normalise → RandomCrop
 * (zeros after normalisation, label 255 outside the image) → the label resized (PIL nearest) to crop / 4.
 * Deviation: no hue jitter (weaktr's {@link ColorJitter} has none; official 0.1).
 */
final class AffinityAugment {
    private AffinityAugment() {}

    /** A normalised crop [3, S, S] and its label map [S/4, S/4] (255 = ignore). */
    record Sample(float[] image, byte[] labels) {}

    static Sample sample(RgbImage img, LabelMap labels, AffinityTrainConfig cfg, SplittableRandom rng) {
        int crop = cfg.crop();
        int target = cfg.minSize() + rng.nextInt(cfg.maxSize() - cfg.minSize() + 1); // random.randint, inclusive
        double scale = target / (double) (img.width() < img.height() ? img.height() : img.width());
        int w = (int) Math.rint(img.width() * scale), h = (int) Math.rint(img.height() * scale);
        RgbImage x = img;
        LabelMap y = labels;
        if (w != img.width() || h != img.height()) {
            x = PilResize.bicubic(x, Math.max(1, w), Math.max(1, h));
            y = PilResize.nearest(y, Math.max(1, w), Math.max(1, h));
        }
        w = x.width();
        h = x.height();
        if (rng.nextDouble() < 0.5) {
            byte[] rgb = new byte[x.rgb().length];
            byte[] lab = new byte[y.labels().length];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    System.arraycopy(x.rgb(), (r * w + (w - 1 - c)) * 3, rgb, (r * w + c) * 3, 3);
                    lab[r * w + c] = y.labels()[r * w + (w - 1 - c)];
                }
            }
            x = new RgbImage(w, h, rgb);
            y = new LabelMap(lab, w, h);
        }
        x = ColorJitter.apply(x, new AugmentConfig(crop, 1, 1, 1, 1, 0, 0.3, 0.3, 0.3), rng);
        float[] chw = Normalize.toChw(x);
        SemFormerAugment.CropBox box = SemFormerAugment.CropBox.random(w, h, crop, rng);
        int cw = box.width(), ch = box.height(), contLeft = box.cropX(), contTop = box.cropY();
        int imgLeft = box.imageX(), imgTop = box.imageY();
        float[] out = new float[3 * crop * crop];
        byte[] lab = new byte[crop * crop];
        java.util.Arrays.fill(lab, (byte) 255);
        for (int r = 0; r < ch; r++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(chw, (c * h + imgTop + r) * w + imgLeft, out, (c * crop + contTop + r) * crop + contLeft, cw);
            }
            System.arraycopy(y.labels(), (imgTop + r) * w + imgLeft, lab, (contTop + r) * crop + contLeft, cw);
        }
        LabelMap small = PilResize.nearest(new LabelMap(lab, crop, crop), crop / AffinityNet.Config.STRIDE,
                crop / AffinityNet.Config.STRIDE);
        return new Sample(out, small.labels());
    }
}
