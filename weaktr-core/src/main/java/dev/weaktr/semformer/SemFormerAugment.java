package dev.weaktr.semformer;

import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.ColorJitter;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.data.RandomResizedCrop;
import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * SemFormer's training augmentations (train_caae.py, train_semformer.py; tools/ai/augment_utils.py).
 *
 * <ul>
 *   <li>CAAE: ColorJitter(0.3, 0.3, 0.3) → RandomExpand ×U[1, 3] (PIL bilinear to (int(s·w), int(s·h))) →
 *       RandomResizedCrop(crop; torchvision's scale (0.08, 1), ratio (3/4, 4/3), bilinear) → h-flip 0.5 → normalise.
 *   <li>Segmentor: ColorJitter(0.3, 0.3, 0.3) → RandomResize (long side to U{crop/2 … 2·crop}, PIL bicubic;
 *       official 224–896 at 448) → h-flip 0.5 → normalise → RandomCrop(crop) with zero padding <em>after</em>
 *       normalisation (the mean colour) and the valid box recorded.
 * </ul>
 *
 * <p>Deviation: weaktr's {@link ColorJitter} has no hue term, so the official hue 0.1 is not applied.
 */
final class SemFormerAugment {
    private SemFormerAugment() {}

    /** A normalised crop [3, S, S] and its valid box (x0, y0, x1, y1) in crop pixels. */
    record Sample(float[] image, int[] box) {}

    private static AugmentConfig jitter(int size) {
        return new AugmentConfig(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 0.3, 0.3, 0.3);
    }

    static float[] caae(RgbImage img, int size, SplittableRandom rng) {
        AugmentConfig cfg = jitter(size);
        RgbImage x = ColorJitter.apply(img, cfg, rng);
        double s = 1 + 2 * rng.nextDouble();
        x = PilResize.bilinear(x, Math.max(1, (int) (s * x.width())), Math.max(1, (int) (s * x.height())));
        RandomResizedCrop.Box box = RandomResizedCrop.sample(x.width(), x.height(), cfg, rng);
        x = PilResize.bilinear(RandomResizedCrop.crop(x, box), size, size);
        if (rng.nextDouble() < 0.5) {
            x = flip(x);
        }
        return Normalize.toChw(x);
    }

    static Sample segmentor(RgbImage img, int crop, SplittableRandom rng) {
        RgbImage x = ColorJitter.apply(img, jitter(crop), rng);
        int target = crop / 2 + rng.nextInt(2 * crop - crop / 2 + 1); // random.randint(min, max), inclusive
        double scale = target / (double) (x.width() < x.height() ? x.height() : x.width());
        int w = (int) Math.rint(x.width() * scale), h = (int) Math.rint(x.height() * scale); // Python round
        if (w != x.width() || h != x.height()) {
            x = PilResize.bicubic(x, Math.max(1, w), Math.max(1, h));
        }
        if (rng.nextDouble() < 0.5) {
            x = flip(x);
        }
        float[] chw = Normalize.toChw(x);
        w = x.width();
        h = x.height();
        CropBox box = CropBox.random(w, h, crop, rng);
        int cw = box.width(), ch = box.height(), contLeft = box.cropX(), contTop = box.cropY();
        int imgLeft = box.imageX(), imgTop = box.imageY();
        float[] out = new float[3 * crop * crop]; // 0 after normalisation
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ch; y++) {
                System.arraycopy(chw, (c * h + imgTop + y) * w + imgLeft, out, (c * crop + contTop + y) * crop + contLeft, cw);
            }
        }
        return new Sample(out, new int[] {contLeft, contTop, contLeft + cw, contTop + ch});
    }

    /**
     * The official {@code get_random_crop_box}: a random crop×crop window of a w×h image, placed at a random offset
     * in the crop when the image is smaller (x drawn before y).
     */
    record CropBox(int imageX, int imageY, int cropX, int cropY, int width, int height) {
        static CropBox random(int w, int h, int crop, SplittableRandom rng) {
            int contLeft = 0, imgLeft = 0, contTop = 0, imgTop = 0;
            if (w - crop > 0) {
                imgLeft = rng.nextInt(w - crop + 1);
            } else {
                contLeft = rng.nextInt(crop - w + 1);
            }
            if (h - crop > 0) {
                imgTop = rng.nextInt(h - crop + 1);
            } else {
                contTop = rng.nextInt(crop - h + 1);
            }
            return new CropBox(imgLeft, imgTop, contLeft, contTop, Math.min(crop, w), Math.min(crop, h));
        }
    }

    private static RgbImage flip(RgbImage x) {
        int w = x.width(), h = x.height();
        byte[] out = new byte[x.rgb().length];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < w; i++) {
                System.arraycopy(x.rgb(), (y * w + (w - 1 - i)) * 3, out, (y * w + i) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }
}
