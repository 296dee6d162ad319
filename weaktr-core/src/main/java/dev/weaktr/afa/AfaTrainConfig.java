package dev.weaktr.afa;

/**
 * AFA's training recipe (configs/voc_attn_reg.yaml and scripts/dist_train_voc.py; peers.md §2.3), with the
 * iteration thresholds scaled to the run's length: the official 20 000-iteration VOC run trains the classifier
 * alone for 2 000 iterations ({@code cam_iters}), warms up for 1 500 and switches the segmentation label to the
 * random-walk one after 6 000; a run of N iterations uses N·2000/20000, N·1500/20000 and N·6000/20000.
 *
 * @param iterations optimiser steps
 * @param batch crops per step (official: 2 per GPU × 2 GPUs)
 * @param crop square crop side; crop and 1.5·crop must be multiples of 16 (official launch script: 512)
 * @param roundIterations steps between checkpoints (resume points)
 * @param seed every random choice
 * @param rloss weight of the dense-CRF regularised loss in the total ({@link DenseEnergyLoss}, layer weight 1e-7
 *     inside); 0 = off, the official default (its line is commented out, with the weight 0.01)
 */
public record AfaTrainConfig(int iterations, int batch, int crop, int roundIterations, long seed, double lr,
        double weightDecay, int warmupIterations, double warmupRatio, double power, int camIterations,
        int switchIteration, double scaleMin, double scaleMax, int radius, double rloss) {

    /** The official recipe for a run of {@code iterations} steps. */
    public static AfaTrainConfig official(int iterations, int batch, int crop, long seed) {
        return new AfaTrainConfig(iterations, batch, crop, Math.max(1, Math.min(iterations, 500)), seed, 6e-5, 0.01,
                scaled(iterations, 1500), 1e-6, 1.0, scaled(iterations, 2000), scaled(iterations, 6000), 0.5, 2.0, 8, 0);
    }

    static int scaled(int iterations, int official) {
        return (int) Math.round(iterations * (double) official / 20000);
    }

    public AfaTrainConfig withLr(double newLr) {
        return new AfaTrainConfig(iterations, batch, crop, roundIterations, seed, newLr, weightDecay, warmupIterations,
                warmupRatio, power, camIterations, switchIteration, scaleMin, scaleMax, radius, rloss);
    }

    public AfaTrainConfig withRoundIterations(int r) {
        return new AfaTrainConfig(iterations, batch, crop, r, seed, lr, weightDecay, warmupIterations, warmupRatio,
                power, camIterations, switchIteration, scaleMin, scaleMax, radius, rloss);
    }

    /** With the regularised loss at {@code weight} in the total (official commented-out value 0.01). */
    public AfaTrainConfig withRloss(double weight) {
        return new AfaTrainConfig(iterations, batch, crop, roundIterations, seed, lr, weightDecay, warmupIterations,
                warmupRatio, power, camIterations, switchIteration, scaleMin, scaleMax, radius, weight);
    }

    /** A builder starting from {@link #official}: {@code AfaTrainConfig.builder(4, 2, 64).camIterations(3).build()}. */
    public static Builder builder(int iterations, int batch, int crop) {
        return new Builder(official(iterations, batch, crop, 0));
    }

    /** Named setters over the record's fields (the recipe readable at the call site). */
    public static final class Builder {
        private int iterations, batch, crop, roundIterations, warmupIterations, camIterations, switchIteration, radius;
        private long seed;
        private double lr, weightDecay, warmupRatio, power, scaleMin, scaleMax, rloss;

        private Builder(AfaTrainConfig c) {
            iterations = c.iterations;
            batch = c.batch;
            crop = c.crop;
            roundIterations = c.roundIterations;
            seed = c.seed;
            lr = c.lr;
            weightDecay = c.weightDecay;
            warmupIterations = c.warmupIterations;
            warmupRatio = c.warmupRatio;
            power = c.power;
            camIterations = c.camIterations;
            switchIteration = c.switchIteration;
            scaleMin = c.scaleMin;
            scaleMax = c.scaleMax;
            radius = c.radius;
            rloss = c.rloss;
        }

        public Builder roundIterations(int v) {
            roundIterations = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder warmupIterations(int v) {
            warmupIterations = v;
            return this;
        }

        public Builder camIterations(int v) {
            camIterations = v;
            return this;
        }

        public Builder switchIteration(int v) {
            switchIteration = v;
            return this;
        }

        public Builder rloss(double v) {
            rloss = v;
            return this;
        }

        public AfaTrainConfig build() {
            return new AfaTrainConfig(iterations, batch, crop, roundIterations, seed, lr, weightDecay, warmupIterations,
                    warmupRatio, power, camIterations, switchIteration, scaleMin, scaleMax, radius, rloss);
        }
    }

    /**
     * The learning-rate factor of step t ({@code PolyWarmupAdamW}): linear warm-up from {@code warmupRatio}, then
     * {@code (1 − t/T)^power} — not re-based after the warm-up (peers.md §2.7: the factor drops to ~0.925 at 1500).
     */
    public double lrFactor(long t) {
        if (t < warmupIterations) {
            return 1 - (1 - t / (double) warmupIterations) * (1 - warmupRatio);
        }
        return Math.pow(1 - t / (double) iterations, power);
    }
}
