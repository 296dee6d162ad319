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
