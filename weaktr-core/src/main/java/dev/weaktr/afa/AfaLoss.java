package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Ops;

/** AFA's loss terms (rulixiang/afa {@code utils/losses.py}, {@code scripts/dist_train_voc.py}). */
public final class AfaLoss {
    private AfaLoss() {}

    /**
     * Affinity loss (paper eq. 5): {@code 0.5·Σ_pos(1 − Â)/(N_pos + 1) + 0.5·Σ_neg Â/(N_neg + 1)}, counts over the
     * whole batch ({@code get_aff_loss}).
     *
     * @param affinity Â {@code [B, N, N]}
     * @param labels {@code [B·N·N]}: 1 positive, 0 negative, other values ignored
     */
    public static NDArray affinity(NDArray affinity, int[] labels) {
        NDManager m = affinity.getManager();
        float[] pos = new float[labels.length], neg = new float[labels.length];
        long np = 0, nn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                pos[i] = 1;
                np++;
            } else if (labels[i] == 0) {
                neg[i] = 1;
                nn++;
            }
        }
        NDArray p = m.create(pos, affinity.getShape());
        NDArray n = m.create(neg, affinity.getShape());
        // divisors and weights as libtorch tensors, not Java numbers: see Ops.scalar
        NDArray posLoss = p.mul(affinity.neg().add(1)).sum().div(Ops.scalar(affinity, np + 1));
        NDArray negLoss = n.mul(affinity).sum().div(Ops.scalar(affinity, nn + 1));
        return posLoss.add(negLoss).mul(Ops.scalar(affinity, 0.5));
    }

    /**
     * The total loss (paper eq. 11 with the official code's weights): {@code L_cls + 0.1·L_seg + 0.1·L_aff}.
     * The weights are libtorch tensors, not Java numbers (see {@code Ops.scalar}).
     */
    public static NDArray total(NDArray cls, NDArray seg, NDArray aff) {
        return cls.add(seg.mul(Ops.scalar(seg, 0.1))).add(aff.mul(Ops.scalar(aff, 0.1)));
    }

    /**
     * Balanced background/foreground cross-entropy (peers.md §0.3, {@code get_seg_loss}):
     * {@code 0.5·(CE over pixels labelled 0 + CE over pixels labelled 1..K−1)}, each a mean over its own pixels,
     * 255 ignored.
     *
     * <p>Deviation: the official code returns NaN when either set is empty (0/0 in {@code F.cross_entropy}), and
     * {@code 0·NaN} then poisons the total loss even while the term's weight is 0; here an empty set contributes 0.
     *
     * @param logits {@code [B, K, H, W]} (already at the label's size)
     * @param labels {@code [B·H·W]}
     */
    public static NDArray balancedCrossEntropy(NDArray logits, int[] labels) {
        NDManager m = logits.getManager();
        long b = logits.getShape().get(0), k = logits.getShape().get(1);
        long h = logits.getShape().get(2), w = logits.getShape().get(3), hw = h * w;
        float[] bg = new float[(int) (b * k * hw)], fg = new float[bg.length];
        long nb = 0, nf = 0;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l == AfaLabels.IGNORE || l < 0 || l >= k) {
                continue;
            }
            int img = (int) (i / hw), pix = (int) (i % hw);
            int at = (int) ((img * k + l) * hw + pix);
            if (l == 0) {
                bg[at] = 1;
                nb++;
            } else {
                fg[at] = 1;
                nf++;
            }
        }
        NDArray logp = logits.logSoftmax(1);
        Shape s = logits.getShape();
        NDArray zero = m.create(0f);
        NDArray bgLoss = nb == 0 ? zero : m.create(bg, s).mul(logp).sum().neg().div(Ops.scalar(logp, nb));
        NDArray fgLoss = nf == 0 ? zero : m.create(fg, s).mul(logp).sum().neg().div(Ops.scalar(logp, nf));
        return bgLoss.add(fgLoss).mul(Ops.scalar(logp, 0.5)); // not mul(float): see Ops.scalar
    }
}
