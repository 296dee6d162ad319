package dev.weaktr.getam;

/**
 * GETAM's training recipe (official {@code train.sh} and {@code train_from_init.py}; peers.md §3.5).
 *
 * @param iterations optimiser steps ({@code max_step}; official ⌊10582/4⌋·20 = 52,900)
 * @param batch crops per step (official 4)
 * @param crop square crop side (official 256), a multiple of 32
 * @param roundIterations steps between checkpoints
 * @param seed every random choice
 * @param lr base learning rate (official 0.04)
 * @param momentum the PolyOptimizer quirk (peers.md §0.8): its weight-decay argument (5e-4) lands in SGD's momentum,
 *     and there is no weight decay
 * @param power poly power (the argument named "momentum", 0.9)
 * @param clsStep fraction of the steps trained with the classification loss only (0.5)
 * @param segLrScale learning-rate factor of phase 2 (0.1, all parameters)
 * @param cutThreshold the mining percentile (0.9)
 * @param saliencyLoss whether the saliency BCE is added (train.sh passes {@code --sal_loss True})
 * @param saliencyBitExact the official in-place binarisation quirk of the saliency target (peers.md §3.4); false =
 *     the intent
 * @param denseCrfWeight the dense-CRF loss's layer weight ({@link dev.weaktr.afa.DenseEnergyLoss}; official
 *     {@code --densecrfloss} 1e-7, added to the total with weight 1); 0 leaves the term out
 */
public record GetamTrainConfig(int iterations, int batch, int crop, int roundIterations, long seed, double lr,
        double momentum, double power, double clsStep, double segLrScale, double cutThreshold, boolean saliencyLoss,
        boolean saliencyBitExact, double denseCrfWeight) {
    /** The official {@code train_from_init.py --densecrfloss} default (train.sh does not change it). */
    public static final double DENSE_CRF_WEIGHT = 1e-7;


    /** The official recipe for a run of {@code iterations} steps. */
    public static GetamTrainConfig official(int iterations, int batch, int crop, long seed) {
        return new GetamTrainConfig(iterations, batch, crop, Math.max(1, Math.min(iterations, 500)), seed, 0.04, 5e-4,
                0.9, 0.5, 0.1, LabelCompletion.CUT_THRESHOLD, true, false,
                DENSE_CRF_WEIGHT);
    }

    public GetamTrainConfig withLr(double newLr) {
        return new GetamTrainConfig(iterations, batch, crop, roundIterations, seed, newLr, momentum, power, clsStep,
                segLrScale, cutThreshold, saliencyLoss, saliencyBitExact, denseCrfWeight);
    }

    public GetamTrainConfig withRoundIterations(int r) {
        return new GetamTrainConfig(iterations, batch, crop, r, seed, lr, momentum, power, clsStep, segLrScale,
                cutThreshold, saliencyLoss, saliencyBitExact, denseCrfWeight);
    }

    public GetamTrainConfig withSaliencyBitExact(boolean exact) {
        return new GetamTrainConfig(iterations, batch, crop, roundIterations, seed, lr, momentum, power, clsStep,
                segLrScale, cutThreshold, saliencyLoss, exact, denseCrfWeight);
    }

    public GetamTrainConfig withDenseCrfWeight(double weight) {
        return new GetamTrainConfig(iterations, batch, crop, roundIterations, seed, lr, momentum, power, clsStep,
                segLrScale, cutThreshold, saliencyLoss, saliencyBitExact, weight);
    }

    /**
     * Whether the step that follows {@code updatesDone} updates is a phase-2 step: the official test
     * {@code (global_step − 1) < cls_step·max_step} keeps phase 1 while it holds.
     */
    public boolean segmentationPhase(long updatesDone) {
        return !((updatesDone - 1) < clsStep * iterations);
    }

    /** PolyOptimizer: {@code lr·(1 − t/T)^power}, times {@link #segLrScale} in phase 2. */
    public double lrAt(long updatesDone) {
        long t = Math.min(updatesDone, iterations - 1L);
        double poly = lr * Math.pow(1 - t / (double) iterations, power);
        return segmentationPhase(updatesDone) ? poly * segLrScale : poly;
    }
}
