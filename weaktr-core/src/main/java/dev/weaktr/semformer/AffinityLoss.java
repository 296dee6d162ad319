package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Ops;

/**
 * AffinityNet's loss (train_affinitynet.py; IRN eq. 6–7): with a the predicted affinities and the three pair sets,
 * <pre>
 *   L_bg  = Σ bg·(−log(a + 1e-5)) / (Σ bg + 1e-5)      L_fg likewise over fg
 *   L_neg = Σ neg·(−log(1 + 1e-5 − a)) / (Σ neg + 1e-5)
 *   L     = ((L_bg/2 + L_fg/2) + L_neg) / 2
 * </pre>
 * sums over the whole batch.
 */
public final class AffinityLoss {
    private AffinityLoss() {}

    /** The terms; {@code total} is L. */
    public record Terms(NDArray total, NDArray bg, NDArray fg, NDArray pos, NDArray neg) {}

    /**
     * @param aff [B, P, M] predicted affinities
     * @param bgPos [B, P, M] 0/1
     */
    public static Terms of(NDArray aff, NDArray bgPos, NDArray fgPos, NDArray neg) {
        NDArray eps = Ops.scalar(aff, 1e-5);
        NDArray posLoss = aff.add(eps).log().neg();
        NDArray negLoss = Ops.scalar(aff, 1 + 1e-5).sub(aff).log().neg();
        NDArray bg = bgPos.mul(posLoss).sum().div(bgPos.sum().add(eps));
        NDArray fg = fgPos.mul(posLoss).sum().div(fgPos.sum().add(eps));
        NDArray half = Ops.scalar(aff, 0.5);
        NDArray pos = bg.mul(half).add(fg.mul(half));
        NDArray n = neg.mul(negLoss).sum().div(neg.sum().add(eps));
        return new Terms(pos.add(n).mul(half), bg, fg, pos, n);
    }
}
