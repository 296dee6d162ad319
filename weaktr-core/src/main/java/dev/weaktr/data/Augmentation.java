package dev.weaktr.data;

import dev.weaktr.io.RgbImage;
import java.util.SplittableRandom;

/**
 * The training transform (spec §2.2, official recipe less RandAugment and RandomErasing):
 * RandomResizedCrop (bicubic) → horizontal flip → colour jitter → ToTensor + ImageNet normalisation.
 * All randomness comes from the generator passed in: same generator state ⇒ same output.
 */
public final class Augmentation {
    private final AugmentConfig config;

    public Augmentation(AugmentConfig config) {
        this.config = config;
    }

    public AugmentConfig config() {
        return config;
    }

    /** Returns the augmented, normalised image as {@code [3, size, size]} row-major. */
    public float[] apply(RgbImage img, SplittableRandom rng) {
        return Normalize.toChw(applyRgb(img, rng));
    }

    /** The same transform up to (not including) normalisation, for viewing or tests. */
    public RgbImage applyRgb(RgbImage img, SplittableRandom rng) {
        RandomResizedCrop.Box box = RandomResizedCrop.sample(img.width(), img.height(), config, rng);
        RgbImage out = RandomResizedCrop.apply(img, box, config.size());
        if (rng.nextDouble() < config.flipProb()) {
            out = flipHorizontal(out);
        }
        return ColorJitter.apply(out, config, rng);
    }

    public static RgbImage flipHorizontal(RgbImage img) {
        int w = img.width();
        byte[] src = img.rgb();
        byte[] out = new byte[src.length];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3, d = (y * w + (w - 1 - x)) * 3;
                out[d] = src[s];
                out[d + 1] = src[s + 1];
                out[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(w, img.height(), out);
    }
}
