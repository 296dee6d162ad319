package dev.weaktr.seg;

/**
 * The online-retraining recipe (spec §4.4; every field is a flag).
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
 */
public record SegTrainConfig(int epochs, int batch, double lr, double minLr, double power, double momentum,
        double weightDecay, double encoderLrScale, boolean gradientClip, double startValue, int clipPatch, long seed,
        SegAugmentConfig augment, double maxGradNorm) {

    /** The official recipe at {@code crop} px. */
    public static SegTrainConfig official(int crop, boolean gradientClip, long seed) {
        return new SegTrainConfig(100, 4, 1e-4, 1e-5, 0.9, 0.9, 0, 0.1, gradientClip, 1.2,
                Math.max(1, crop / 4), seed, SegAugmentConfig.official(crop), 0);
    }
}
