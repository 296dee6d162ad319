package dev.weaktr.cam;

import dev.weaktr.data.AugmentConfig;

/**
 * The CAM training recipe (spec §2.3; all fields are CLI flags).
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
 */
public record CamTrainConfig(
        int epochs, int batch, double lr, double warmupLr, double minLr, int warmupEpochs, double weightDecay,
        long seed, AugmentConfig augment, double maxGradNorm) {

    /** lr_effective = lr × batch / 512 (spec §2.3). */
    public double effectiveLr() {
        return lr * batch / 512.0;
    }
}
