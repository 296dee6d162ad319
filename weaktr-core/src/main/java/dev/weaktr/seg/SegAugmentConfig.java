package dev.weaktr.seg;

import dev.weaktr.WeaktrException;

/**
 * Retraining augmentation (spec §4.4, the official mmseg pipeline): resize so the short side is
 * {@code baseSize × r}, r uniform in [ratioMin, ratioMax]; random crop {@code crop}×{@code crop} retried up to
 * 10 times until no class covers more than {@code catMaxRatio} of it; horizontal flip; photometric distortion
 * (brightness ±32, contrast and saturation 0.5–1.5, each with probability ½); normalise; pad to the crop
 * (image 0, label 255).
 */
public record SegAugmentConfig(int crop, int baseSize, double ratioMin, double ratioMax, double catMaxRatio,
        double flipProb, boolean photometric) {
    public SegAugmentConfig {
        if (crop < 16 || baseSize < 1 || !(ratioMin > 0 && ratioMin <= ratioMax) || catMaxRatio <= 0 || catMaxRatio > 1) {
            throw new WeaktrException("bad retraining augmentation: crop " + crop + ", base size " + baseSize
                    + ", ratio [" + ratioMin + ", " + ratioMax + "], cat-max-ratio " + catMaxRatio);
        }
    }

    /** The official recipe scaled to {@code crop} (480 → base 520). */
    public static SegAugmentConfig official(int crop) {
        return new SegAugmentConfig(crop, (int) Math.round(crop * 520 / 480.0), 0.5, 2.0, 0.75, 0.5, true);
    }
}
