package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;

/**
 * WeakTr's training loss (eq. 7, 14, 15; spec §1.8): the sum of three multi-label soft-margin losses,
 * on the class-token scores, the coarse-CAM scores and the fine-CAM scores, all with weight 1.
 */
public final class CamLoss {
    private CamLoss() {}

    /** The three terms and their sum (scalars). */
    public record Terms(NDArray classToken, NDArray coarse, NDArray fine, NDArray total) {}

    /**
     * @param out network output
     * @param targets [B, C] multi-hot, same dtype as the scores
     * @param withFine false for fusions that learn nothing from the fine CAM (its term is still reported)
     */
    public static Terms compute(WeakTrCamNet.Output out, NDArray targets, boolean withFine) {
        NDArray cls = multiLabelSoftMargin(out.classTokenScores(), targets);
        NDArray coarse = multiLabelSoftMargin(out.coarseScores(), targets);
        NDArray fine = multiLabelSoftMargin(out.fineScores(), targets);
        NDArray total = withFine ? cls.add(coarse).add(fine) : cls.add(coarse);
        return new Terms(cls, coarse, fine, total);
    }

    /** Share of the patches whose coarse logits make the class score with {@code --score-pool topk}. */
    public static final double TOP_K_FRACTION = 0.1;

    /**
     * As {@link #compute(WeakTrCamNet.Output, NDArray, boolean)}, with the coarse score pooled by {@code pool}:
     * {@code gap} (official: the mean over all patches) or {@code topk} (the mean of each class's highest
     * {@link #TOP_K_FRACTION} of patches, at least one; top-k MIL pooling). With top-k, a negative image's loss
     * falls on its most class-like patches, e.g. an unlabelled distractor object, instead of being diluted by the
     * mean over all patches; an option for single-class data with distractors.
     */
    public static Terms compute(WeakTrCamNet.Output out, NDArray targets, boolean withFine, String pool) {
        if (pool == null || pool.equals("gap")) {
            return compute(out, targets, withFine);
        }
        NDArray logits = out.coarseLogits(); // [B, C, h, w]
        long[] s = logits.getShape().getShape();
        int hw = (int) (s[2] * s[3]), k = Math.max(1, (int) Math.round(hw * TOP_K_FRACTION));
        NDArray top = logits.reshape(s[0], s[1], hw).sort(2).get(":, :, {}:", hw - k).mean(new int[] {2}); // [B, C]
        NDArray cls = multiLabelSoftMargin(out.classTokenScores(), targets);
        NDArray coarse = multiLabelSoftMargin(top, targets);
        NDArray fine = multiLabelSoftMargin(out.fineScores(), targets);
        NDArray total = withFine ? cls.add(coarse).add(fine) : cls.add(coarse);
        return new Terms(cls, coarse, fine, total);
    }

    /**
     * PyTorch's {@code multilabel_soft_margin_loss}: mean over the batch of the mean over classes of
     * −[y·log σ(x) + (1−y)·log σ(−x)]. Computed stably as softplus(x) − y·x, with
     * softplus(x) = max(x, 0) + log(1 + exp(−|x|)).
     *
     * @param logits [B, C]
     * @param targets [B, C] in {0, 1}
     * @return scalar
     */
    public static NDArray multiLabelSoftMargin(NDArray logits, NDArray targets) {
        NDArray softplus = logits.maximum(logits.zerosLike()).add(logits.abs().neg().exp().add(1).log()); // see Ops.scalar
        return softplus.sub(targets.mul(logits)).mean();
    }
}
