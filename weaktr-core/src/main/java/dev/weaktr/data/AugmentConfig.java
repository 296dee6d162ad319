package dev.weaktr.data;

import dev.weaktr.WeaktrException;

/**
 * Training augmentation settings (spec §2.2, official recipe without RandAugment / RandomErasing):
 * RandomResizedCrop to {@code size} (area fraction [scaleMin, scaleMax], aspect ratio [ratioMin, ratioMax],
 * bicubic), horizontal flip with probability {@code flipProb}, colour jitter with factors drawn from
 * [max(0, 1-j), 1+j] for brightness, contrast and saturation; 0 disables one.
 */
public record AugmentConfig(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
        double flipProb, double brightness, double contrast, double saturation) {
    public AugmentConfig {
        if (size < 1) {
            throw new WeaktrException("augmentation crop size must be positive, got " + size);
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new WeaktrException("augmentation scale range must satisfy 0 < min <= max <= 1, got ["
                    + scaleMin + ", " + scaleMax + "]");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax)) {
            throw new WeaktrException("augmentation ratio range must satisfy 0 < min <= max, got ["
                    + ratioMin + ", " + ratioMax + "]");
        }
        if (!(flipProb >= 0 && flipProb <= 1)) {
            throw new WeaktrException("flip probability must be in [0, 1], got " + flipProb);
        }
        if (brightness < 0 || contrast < 0 || saturation < 0) {
            throw new WeaktrException("colour jitter strengths must be >= 0");
        }
    }

    /** The official recipe at {@code size} px: scale (0.08, 1), ratio (3/4, 4/3), flip 0.5, jitter 0.4. */
    public static AugmentConfig official(int size) {
        return new AugmentConfig(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 0.4, 0.4, 0.4);
    }

    /** The official recipe at the paper's 224 px. */
    public static AugmentConfig defaults() {
        return official(224);
    }

    /** The same with RandomResizedCrop's minimum area fraction {@code scaleMin} ({@code --scale-min}). */
    public AugmentConfig withScaleMin(double scaleMin) {
        return new AugmentConfig(size, scaleMin, scaleMax, ratioMin, ratioMax, flipProb, brightness, contrast, saturation);
    }

    /** Geometry only (crop + flip), no colour jitter. */
    public AugmentConfig withoutColorJitter() {
        return new AugmentConfig(size, scaleMin, scaleMax, ratioMin, ratioMax, flipProb, 0, 0, 0);
    }
}
