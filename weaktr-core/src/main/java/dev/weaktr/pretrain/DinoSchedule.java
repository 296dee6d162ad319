package dev.weaktr.pretrain;

/**
 * DINO's per-iteration schedules (the published recipe's {@code cosine_scheduler}): a linear warm-up from
 * {@code start} to {@code base} over the first {@code warmupEpochs · stepsPerEpoch} steps, then
 * final + ½(base − final)(1 + cos(π i / I)) where i counts the steps after the warm-up and I is their number.
 * Used for the learning rate, the weight decay (0.04 → 0.4, no warm-up) and the teacher momentum (0.996 → 1).
 */
public record DinoSchedule(double base, double finalValue, int epochs, int stepsPerEpoch, int warmupEpochs, double start) {

    /** The value at global step {@code step} (0-based). */
    public double at(long step) {
        long warmup = (long) warmupEpochs * stepsPerEpoch;
        if (step < warmup) {
            return start + (base - start) * step / (double) (warmup - 1 <= 0 ? 1 : warmup - 1); // np.linspace(start, base, warmup)
        }
        long total = (long) epochs * stepsPerEpoch - warmup;
        long i = step - warmup;
        return finalValue + 0.5 * (base - finalValue) * (1 + Math.cos(Math.PI * i / total));
    }

    /**
     * The teacher temperature of epoch {@code epoch}: linear from {@code warmupTemp} to {@code temp} over
     * {@code warmupEpochs} epochs (np.linspace, so the last warm-up epoch already has {@code temp}), then {@code temp}.
     */
    public static double teacherTemp(int epoch, double warmupTemp, double temp, int warmupEpochs) {
        if (epoch >= warmupEpochs) {
            return temp;
        }
        return warmupEpochs == 1 ? warmupTemp : warmupTemp + (temp - warmupTemp) * epoch / (double) (warmupEpochs - 1);
    }
}
