package dev.weaktr.data;

import dev.weaktr.WeaktrException;

/**
 * Settings of the procedural benchmark ({@link Synth}). {@code train}/{@code val}: images per split;
 * {@code size}: side of the square images in px; objects per image uniform in
 * [{@code minObjects}, {@code maxObjects}], each with a diameter of [{@code minObjectFrac},
 * {@code maxObjectFrac}] of the side; {@code ignoreRadius}: pixels within this Chebyshev distance of a
 * region boundary are 255 in the masks (radius 1 ⇒ a 2 px band, as VOC's border band);
 * {@code jpegQuality} in (0, 1].
 */
public record SynthConfig(int train, int val, int size, long seed, int minObjects, int maxObjects,
        double minObjectFrac, double maxObjectFrac, int ignoreRadius, float jpegQuality) {
    public SynthConfig {
        if (train < 0 || val < 0 || train + val == 0) {
            throw new WeaktrException("synth needs at least one image: --train " + train + " --val " + val
                    + " (expected counts >= 0, not both 0)");
        }
        if (size < 32 || size > 4096) {
            throw new WeaktrException("--size " + size + " out of range; expected 32..4096 px");
        }
        if (minObjects < 1 || maxObjects < minObjects) {
            throw new WeaktrException("synth objects per image must satisfy 1 <= min <= max, got "
                    + minObjects + ".." + maxObjects);
        }
        if (!(minObjectFrac > 0 && minObjectFrac <= maxObjectFrac && maxObjectFrac <= 1)) {
            throw new WeaktrException("synth object size fractions must satisfy 0 < min <= max <= 1");
        }
        if (ignoreRadius < 0 || jpegQuality <= 0 || jpegQuality > 1) {
            throw new WeaktrException("synth ignore radius must be >= 0 and JPEG quality in (0, 1]");
        }
    }

    /** The defaults: 300 train and 60 val images of 128 px, seed 0, 1-4 objects of 20-45 % of the side. */
    public static SynthConfig defaults() {
        return of(300, 60, 128, 0);
    }

    /** The defaults with the four CLI settings replaced. */
    public static SynthConfig of(int train, int val, int size, long seed) {
        return new SynthConfig(train, val, size, seed, 1, 4, 0.20, 0.45, 1, 0.95f);
    }
}
