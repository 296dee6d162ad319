package dev.weaktr.cam;

import dev.weaktr.data.AugmentConfig;
import dev.weaktr.train.Recipe;

/**
 * The CAM training recipe (spec §2.3; all fields are CLI flags). Build one from a named preset,
 * {@code CamTrainConfig.preset(Recipe.FROM_SCRATCH, 128).epochs(40).seed(3).build()}.
 *
 * @param epochs training epochs (official 60)
 * @param batch images per step (official 64)
 * @param lr base learning rate, scaled by batch/512 as the official code does (default 4e-4)
 * @param warmupLr learning rate of the warm-up start (1e-6, not scaled)
 * @param minLr cosine floor (1e-5, not scaled)
 * @param warmupEpochs linear warm-up epochs (5)
 * @param weightDecay AdamW decoupled weight decay on every parameter (0.05)
 * @param seed every random choice (init, shuffling, augmentation, drop path) flows from it
 * @param augment training augmentation; its size is the training crop
 * @param maxGradNorm clip the global gradient norm to this value (timm's --clip-grad); 0 = off, the official default
 * @param recipe the preset the fields started from ({@link Recipe#cliName()}); null when built field by field
 * @param requestedBatch the batch asked for when it was larger than the split and {@code batch} became the split's
 *     size; null otherwise
 * @param scorePool the coarse class score's pooling: {@code gap} (official; null reads as it) or {@code topk}
 *     ({@link CamLoss#compute(WeakTrCamNet.Output, ai.djl.ndarray.NDArray, boolean, String)})
 */
public record CamTrainConfig(
        int epochs, int batch, double lr, double warmupLr, double minLr, int warmupEpochs, double weightDecay,
        long seed, AugmentConfig augment, double maxGradNorm, String recipe, Integer requestedBatch,
        String scorePool) {

    public static final java.util.List<String> SCORE_POOLS = java.util.List.of("gap", "topk");

    public CamTrainConfig {
        if (scorePool != null && !SCORE_POOLS.contains(scorePool)) {
            throw new dev.weaktr.WeaktrException("unknown --score-pool '" + scorePool + "'; expected one of " + SCORE_POOLS);
        }
    }

    /** Field by field, no preset recorded. */
    public CamTrainConfig(int epochs, int batch, double lr, double warmupLr, double minLr, int warmupEpochs,
            double weightDecay, long seed, AugmentConfig augment, double maxGradNorm) {
        this(epochs, batch, lr, warmupLr, minLr, warmupEpochs, weightDecay, seed, augment, maxGradNorm, null, null, null);
    }

    /** lr_effective = lr × batch / 512 (spec §2.3). */
    public double effectiveLr() {
        return lr * batch / 512.0;
    }

    /**
     * A preset at crop {@code size}:
     * <ul>
     *   <li>{@code official}: AdamW, 60 epochs, batch 64, lr 4e-4 (×batch/512), 5 warm-up epochs from 1e-6,
     *       cosine to 1e-5, weight decay 0.05, RandomResizedCrop scale 0.08–1, no gradient clipping;
     *   <li>{@code from-scratch}: 20 epochs, batch 8, lr 0.016 (effective 2.5e-4), no warm-up, crop scale 0.5–1,
     *       global gradient norm clipped at 1; the rest as official.
     * </ul>
     */
    public static Builder preset(Recipe recipe, int size) {
        Builder b = new Builder().recipe(recipe).augment(AugmentConfig.official(size));
        return switch (recipe) {
            case OFFICIAL -> b;
            case FROM_SCRATCH -> b.epochs(20).batch(8).lr(0.016).warmupEpochs(0).maxGradNorm(1.0)
                    .augment(AugmentConfig.official(size).withScaleMin(0.5));
        };
    }

    /** The same recipe with {@code batch} images per step, noting the batch that was asked for. */
    public CamTrainConfig withBatchCappedTo(int n) {
        return new CamTrainConfig(epochs, n, lr, warmupLr, minLr, warmupEpochs, weightDecay, seed, augment, maxGradNorm,
                recipe, batch, scorePool);
    }

    /** Starts from the official values; every setter overrides one field. */
    public static final class Builder {
        private int epochs = 60;
        private int batch = 64;
        private double lr = 4e-4;
        private double warmupLr = 1e-6;
        private double minLr = 1e-5;
        private int warmupEpochs = 5;
        private double weightDecay = 0.05;
        private long seed = 0;
        private AugmentConfig augment = AugmentConfig.defaults();
        private double maxGradNorm = 0;
        private String recipe;
        private String scorePool;

        /** {@code gap} (official) or {@code topk}. */
        public Builder scorePool(String v) {
            this.scorePool = v;
            return this;
        }

        public Builder recipe(Recipe r) {
            this.recipe = r == null ? null : r.cliName();
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

        public Builder warmupLr(double v) {
            this.warmupLr = v;
            return this;
        }

        public Builder minLr(double v) {
            this.minLr = v;
            return this;
        }

        public Builder warmupEpochs(int v) {
            this.warmupEpochs = v;
            return this;
        }

        public Builder weightDecay(double v) {
            this.weightDecay = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder augment(AugmentConfig v) {
            this.augment = v;
            return this;
        }

        public AugmentConfig augment() {
            return augment;
        }

        public Builder maxGradNorm(double v) {
            this.maxGradNorm = v;
            return this;
        }

        public CamTrainConfig build() {
            return new CamTrainConfig(epochs, batch, lr, warmupLr, minLr, warmupEpochs, weightDecay, seed, augment,
                    maxGradNorm, recipe, null, scorePool);
        }
    }
}
