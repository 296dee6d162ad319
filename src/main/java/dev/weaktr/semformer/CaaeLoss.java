package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import dev.weaktr.nn.Ops;

/**
 * The CAAE objective (paper eq. 3–4; train_caae.py): {@code L = L_SS + L_recon} with the semantic-similarity loss
 * {@code BCE(s, y⁺)} (y⁺: the image labels with background always 1) and the reconstruction loss
 * {@code MSE(X̂, X)} against the normalised input. Both weights are 1 in the official scripts.
 */
public final class CaaeLoss {
    private CaaeLoss() {}

    /** The two terms and their sum (0-d tensors). */
    public record Terms(NDArray similarity, NDArray reconstruction, NDArray total) {}

    /**
     * @param out the CAAE's training forward
     * @param images [B, 3, H, W] the normalised input it rebuilt
     * @param labels [B, K] with background (index 0) = 1
     */
    public static Terms of(ClassAwareAutoEncoder.Output out, NDArray images, NDArray labels) {
        NDArray ss = binaryCrossEntropy(out.similarity(), labels);
        NDArray recon = out.reconstruction().sub(images).square().mean();
        return new Terms(ss, recon, ss.add(recon));
    }

    /**
     * {@code F.binary_cross_entropy(p, y)}, mean over all entries, each log clamped at −100 as PyTorch does
     * (a similarity of exactly 0 or 1 gives a finite loss).
     */
    public static NDArray binaryCrossEntropy(NDArray p, NDArray y) {
        NDArray yy = y.toType(p.getDataType(), false);
        NDArray floor = Ops.scalar(p, -100);
        NDArray one = Ops.scalar(p, 1);
        NDArray logP = p.log().maximum(floor);
        NDArray log1mP = one.sub(p).log().maximum(floor);
        return yy.mul(logP).add(one.sub(yy).mul(log1mP)).mean().neg();
    }
}
