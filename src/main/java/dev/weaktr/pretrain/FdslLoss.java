package dev.weaktr.pretrain;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Ops;

/**
 * The loss of formula-driven supervised pretraining ({@link FdslPretrainer}): the generated corpus knows which object
 * families each image holds and which family covers each pixel, so a backbone can learn from those labels with no human
 * annotation (Kataoka et al., "Pre-training without Natural Images", ACCV 2020; Kataoka et al., "Replacing Labeled
 * Real-image Datasets with Auto-generated Contours", CVPR 2022, for ViTs). Two terms, summed:
 * <pre>
 *   L_cls   = mean over images and families f of  softplus(z_f) − y_f · z_f           (multi-label BCE with logits)
 *   L_patch = mean over images and patches p of  −Σ_c q_pc · log softmax(s_p)_c        (soft cross-entropy)
 * </pre>
 * z: the class token's logits over the F families, y: 1 for each family present; s: each patch token's logits over
 * background + F families, q: the fraction of the patch's pixels of each (the patch's own family mix). The first
 * term asks the class token to find every object (what class-token attention and CAMs need), the second asks each
 * patch token to know what covers it, background included.
 */
public final class FdslLoss {
    private FdslLoss() {}

    /** The two terms. */
    public record Terms(NDArray total, NDArray cls, NDArray patch) {}

    /**
     * @param z [B, F] class-token logits
     * @param y [B, F] multi-hot targets
     * @param s [B, P, F + 1] patch logits (class 0 = background)
     * @param q [B, P, F + 1] patch target fractions (rows sum to 1)
     */
    public static Terms compute(NDArray z, NDArray y, NDArray s, NDArray q) {
        // softplus(z) = max(z, 0) + log(1 + exp(−|z|)), stable for any z; libtorch scalars (Ops.scalar) in the graph
        NDArray softplus = z.maximum(Ops.scalar(z, 0)).add(z.abs().neg().exp().add(Ops.scalar(z, 1)).log());
        NDArray cls = softplus.sub(y.mul(z)).mean();
        NDArray patch = q.mul(s.logSoftmax(-1)).sum(new int[] {-1}).neg().mean();
        return new Terms(cls.add(patch), cls, patch);
    }

    /**
     * Targets of one image from its family mask ({@code families × size²}, 0 = background): writes the multi-hot
     * vector [F] at {@code y[yOff..]} and the per-patch fractions [g², F + 1] at {@code q[qOff..]}, g = size / patch.
     */
    public static void targets(byte[] mask, int size, int patch, int families, float[] y, int yOff, float[] q, int qOff) {
        int g = size / patch;
        float w = 1f / (patch * patch);
        for (int py = 0; py < g; py++) {
            for (int px = 0; px < g; px++) {
                int row = qOff + (py * g + px) * (families + 1);
                for (int yy = py * patch; yy < (py + 1) * patch; yy++) {
                    for (int xx = px * patch; xx < (px + 1) * patch; xx++) {
                        int c = mask[yy * size + xx] & 0xff;
                        q[row + c] += w;
                        if (c > 0) {
                            y[yOff + c - 1] = 1f;
                        }
                    }
                }
            }
        }
    }
}
