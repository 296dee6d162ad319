package dev.weaktr.seg;

import dev.weaktr.train.Recipe;

/**
 * The online-retraining recipe (spec §4.4; every field is a flag). Build one from a named preset,
 * {@code SegTrainConfig.preset(Recipe.OFFICIAL, 480).gradientClip(false).build()}.
 *
 * @param epochs official 100
 * @param batch official 4
 * @param lr base lr 1e-4; encoder parameters get {@code encoderLrScale}× it
 * @param minLr poly floor 1e-5
 * @param power poly power 0.9
 * @param momentum SGD momentum 0.9 (Nesterov, official code)
 * @param weightDecay 0 (official default)
 * @param encoderLrScale 0.1
 * @param gradientClip true = WeakTr's gradient clipping decoder, false = the naive decoder (plain mean CE, Tab. 5)
 * @param startValue τ of the clip gate (1.2)
 * @param clipPatch S in pixels (120 at crop 480; scales with the crop)
 * @param seed every random choice flows from it
 * @param augment crop and augmentation
 * @param maxGradNorm clip the global gradient norm to this value (torch's clip_grad_norm_); 0 = off, the
 *     official default
 * @param recipe the preset the fields started from ({@link Recipe#cliName()}); null when built field by field
 * @param requestedBatch the batch asked for when it was larger than the split and {@code batch} became the split's
 *     size; null otherwise
 */
public record SegTrainConfig(int epochs, int batch, double lr, double minLr, double power, double momentum,
        double weightDecay, double encoderLrScale, boolean gradientClip, double startValue, int clipPatch, long seed,
        SegAugmentConfig augment, double maxGradNorm, String recipe, Integer requestedBatch) {

    /** Field by field, no preset recorded. */
    public SegTrainConfig(int epochs, int batch, double lr, double minLr, double power, double momentum,
            double weightDecay, double encoderLrScale, boolean gradientClip, double startValue, int clipPatch, long seed,
            SegAugmentConfig augment, double maxGradNorm) {
        this(epochs, batch, lr, minLr, power, momentum, weightDecay, encoderLrScale, gradientClip, startValue, clipPatch,
                seed, augment, maxGradNorm, null, null);
    }

    /** The official recipe at {@code crop} px. */
    public static SegTrainConfig official(int crop, boolean gradientClip, long seed) {
        return preset(Recipe.OFFICIAL, crop).gradientClip(gradientClip).seed(seed).build();
    }

    /**
     * A preset at crop {@code crop} (clip patch S = crop/4):
     * <ul>
     *   <li>{@code official}: Nesterov SGD (momentum 0.9), 100 epochs, batch 4, lr 1e-4 with poly decay (0.9) to
     *       1e-5, encoder lr ×0.1, no weight decay, τ 1.2, no gradient-norm clipping;
     *   <li>{@code from-scratch}: 12 epochs, batch 8, lr 0.01, global gradient norm clipped at 1; the rest as
     *       official.
     * </ul>
     */
    public static Builder preset(Recipe recipe, int crop) {
        Builder b = new Builder().recipe(recipe).crop(crop);
        return switch (recipe) {
            case OFFICIAL -> b;
            case FROM_SCRATCH -> b.epochs(12).batch(8).lr(0.01).maxGradNorm(1.0);
        };
    }

    /** The same recipe with {@code n} images per step, noting the batch that was asked for. */
    public SegTrainConfig withBatchCappedTo(int n) {
        return new SegTrainConfig(epochs, n, lr, minLr, power, momentum, weightDecay, encoderLrScale, gradientClip,
                startValue, clipPatch, seed, augment, maxGradNorm, recipe, batch);
    }

    /** Starts from the official values at crop 480; every setter overrides one field. */
    public static final class Builder {
        private int epochs = 100;
        private int batch = 4;
        private double lr = 1e-4;
        private double minLr = 1e-5;
        private double power = 0.9;
        private double momentum = 0.9;
        private double weightDecay = 0;
        private double encoderLrScale = 0.1;
        private boolean gradientClip = true;
        private double startValue = 1.2;
        private Integer clipPatch;
        private long seed = 0;
        private SegAugmentConfig augment = SegAugmentConfig.official(480);
        private double maxGradNorm = 0;
        private String recipe;

        public Builder recipe(Recipe r) {
            this.recipe = r == null ? null : r.cliName();
            return this;
        }

        /** The training crop with the official augmentation scaled to it (base size crop·520/480). */
        public Builder crop(int crop) {
            this.augment = SegAugmentConfig.official(crop);
            return this;
        }

        public Builder augment(SegAugmentConfig v) {
            this.augment = v;
            return this;
        }

        public Builder epochs(int v) {
            this.epochs = v;
            return this;
        }

        public Builder batch(int v) {
            this.batch = v;
            return this;
        }

        public Builder lr(double v) {
            this.lr = v;
            return this;
        }

        public Builder minLr(double v) {
            this.minLr = v;
            return this;
        }

        public Builder power(double v) {
            this.power = v;
            return this;
        }

        public Builder momentum(double v) {
            this.momentum = v;
            return this;
        }

        public Builder weightDecay(double v) {
            this.weightDecay = v;
            return this;
        }

        public Builder encoderLrScale(double v) {
            this.encoderLrScale = v;
            return this;
        }

        public Builder gradientClip(boolean v) {
            this.gradientClip = v;
            return this;
        }

        public Builder startValue(double v) {
            this.startValue = v;
            return this;
        }

        /** S in px; default crop/4. */
        public Builder clipPatch(int v) {
            this.clipPatch = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            this.maxGradNorm = v;
            return this;
        }

        public SegTrainConfig build() {
            int s = clipPatch != null ? clipPatch : Math.max(1, augment.crop() / 4);
            return new SegTrainConfig(epochs, batch, lr, minLr, power, momentum, weightDecay, encoderLrScale, gradientClip,
                    startValue, s, seed, augment, maxGradNorm, recipe, null);
        }
    }
}
