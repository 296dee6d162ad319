package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Ops;

/** GETAM's phase-2 loss terms (peers.md §3.4, official {@code compute_joint_loss} and {@code train_from_init.py}). */
public final class GetamLoss {
    private GetamLoss() {}

    /**
     * {@code CE_bg + CE_fg} (peers.md §0.3; the official sum, where AFA halves it): cross-entropy over the pixels
     * labelled 0 and over the pixels labelled 1..C, each a mean over its own pixels, 255 ignored. An empty set
     * contributes 0 (the official {@code CrossEntropyLoss} returns NaN there).
     *
     * @param logits [B, K, H, W] at the label's size
     * @param labels [B·H·W]
     */
    public static NDArray crossEntropy(NDArray logits, int[] labels) {
        NDManager m = logits.getManager();
        long b = logits.getShape().get(0), k = logits.getShape().get(1);
        long hw = logits.getShape().get(2) * logits.getShape().get(3);
        float[] bg = new float[(int) (b * k * hw)], fg = new float[bg.length];
        long nb = 0, nf = 0;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= k) {
                continue; // 255: ignore
            }
            int at = (int) (((i / hw) * k + l) * hw + i % hw);
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
        NDArray zero = Ops.scalar(logp, 0);
        NDArray bgLoss = nb == 0 ? zero : m.create(bg, s).mul(logp).sum().neg().div(Ops.scalar(logp, nb));
        NDArray fgLoss = nf == 0 ? zero : m.create(fg, s).mul(logp).sum().neg().div(Ops.scalar(logp, nf));
        return bgLoss.add(fgLoss);
    }

    /**
     * The saliency loss: {@code BCE(softmax(seg)[:, 0], target)}, mean over all pixels, logs clamped at −100 as
     * {@code F.binary_cross_entropy}.
     *
     * @param logits [B, K, H, W]
     * @param target [B·H·W] the background target in {0, 1}
     */
    public static NDArray saliency(NDArray logits, float[] target) {
        long b = logits.getShape().get(0), h = logits.getShape().get(2), w = logits.getShape().get(3);
        NDArray p = logits.softmax(1).get(":, 0, :, :"); // [B, H, W]
        NDArray t = logits.getManager().create(target, new Shape(b, h, w));
        NDArray floor = Ops.scalar(p, -100);
        NDArray logP = p.log().maximum(floor);
        NDArray log1mP = p.neg().add(1).log().maximum(floor);
        return t.mul(logP).add(t.neg().add(1).mul(log1mP)).mean().neg();
    }

    /**
     * The saliency-loss target from the completed saliency (0/1 with mined pixels 255, {@link LabelCompletion}).
     *
     * @param bitExact the official code's behaviour (peers.md §3.4: its in-place binarisation makes the target
     *     {@code 1 − ⌊s/255⌋}, i.e. "background" everywhere but the mined pixels); otherwise the intent,
     *     {@code 1 − [s > 0]} (background where not salient)
     */
    public static float[] saliencyTarget(float[] completed, boolean bitExact) {
        float[] t = new float[completed.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = bitExact ? 1 - (float) Math.floor(completed[i] / 255f) : completed[i] > 0 ? 0 : 1;
        }
        return t;
    }
}
