package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;

/**
 * AffinityNet's recipe (train_affinitynet.py defaults; peers.md §4.4).
 *
 * @param model {@code resnet50} (official) or {@code cpu-demo} ({@link AffinityNet.Config})
 * @param epochs passes over the split (official 3); steps per epoch = ⌊images / batch⌋ (drop_last), at least 1
 * @param batch official 32
 * @param crop official 512 (the label map is this / 4)
 * @param minSize the long side is resized to U{minSize … maxSize} first (official 320 … 640)
 * @param lr official 0.1, PolyOptimizer (power 0.9; its momentum slot receives the weight decay, 1e-4; Nesterov)
 * @param weightDecay official 1e-4 on every edge-layer tensor (the one param group sets it)
 */
public record AffinityTrainConfig(String model, int epochs, int batch, int crop, int minSize, int maxSize, double lr,
        double weightDecay, long seed) {
    public AffinityTrainConfig {
        AffinityNet.Config.named(model);
        if (epochs < 1 || batch < 1) {
            throw new WeaktrException("--epochs and --batch must be at least 1");
        }
        if (crop < 4 * (2 * 10 - 1) || crop % 4 != 0) {
            throw new WeaktrException("--crop " + crop + ": AffinityNet needs a multiple of 4 of at least 76 (its radius-10 "
                    + "pairs on the stride-4 grid)");
        }
        if (minSize < 1 || maxSize < minSize) {
            throw new WeaktrException("resize range " + minSize + "-" + maxSize + " is empty");
        }
        if (!(lr > 0)) {
            throw new WeaktrException("--lr must be positive");
        }
    }

    public static AffinityTrainConfig official(String model, long seed) {
        return model.equals("cpu-demo")
                ? new AffinityTrainConfig(model, 3, 8, 96, 80, 160, 0.1, 1e-4, seed)
                : new AffinityTrainConfig(model, 3, 32, 512, 320, 640, 0.1, 1e-4, seed);
    }

    /** This recipe with the given fields replaced (null keeps the field). */
    public AffinityTrainConfig with(Integer epochs, Integer batch, Integer crop, Double lr) {
        int c = crop == null ? this.crop : crop;
        // the resize range follows the crop as the official 320-640 follows 512
        int min = crop == null ? minSize : Math.max(1, (int) Math.round(c * 0.625));
        int max = crop == null ? maxSize : Math.max(min, (int) Math.round(c * 1.25));
        return new AffinityTrainConfig(model, epochs == null ? this.epochs : epochs, batch == null ? this.batch : batch,
                c, min, max, lr == null ? this.lr : lr, weightDecay, seed);
    }

    public AffinityNet.Config net() {
        return AffinityNet.Config.named(model);
    }
}
