package dev.weaktr.train;

/**
 * timm's CosineLRScheduler as WeakTr's CAM training uses it (spec §2.3): stepped once per epoch after the
 * epoch, so epoch 0 runs at the warm-up lr and epoch e ≥ 1 at lr(t = e − 1), where
 * lr(t) = warmupLr + t·(base − warmupLr)/warmup for t &lt; warmup, else
 * minLr + ½(base − minLr)(1 + cos(π t / epochs)).
 */
public record CosineSchedule(double baseLr, double warmupLr, double minLr, int warmupEpochs, int epochs) {

    /** Learning rate used during epoch {@code epoch} (0-based). */
    public double lrForEpoch(int epoch) {
        if (epoch == 0) {
            return warmupEpochs > 0 ? warmupLr : baseLr;
        }
        int t = epoch - 1;
        if (t < warmupEpochs) {
            return warmupLr + t * (baseLr - warmupLr) / warmupEpochs;
        }
        return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * t / epochs));
    }
}
