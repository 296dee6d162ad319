package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.crf.PermutohedralLattice;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Ops;

/**
 * The dense-CRF regularised loss ("rloss", Tang et al. ECCV 2018) as rulixiang/afa has it ({@code utils/losses.py}
 * {@code DenseEnergyLoss}, {@code get_energy_loss}; the call in {@code scripts/dist_train_voc.py} is commented out:
 * {@code DenseEnergyLoss(weight=1e-7, sigma_rgb=15, sigma_xy=100, scale_factor=0.5)} and {@code + 0.01 * reg_loss}).
 * With S the softmax of the segmentation logits and W the bilateral Gaussian affinity
 * {@code exp(−|p_i − p_j|²/2σ_xy² − |I_i − I_j|²/2σ_rgb²)} (on the project's {@link PermutohedralLattice}, the filter of
 * the dense CRF):
 * {@code L = −weight/B · Σ_k S_kᵀ (G ∘ W S_k)}, where everything is at half size (images nearest, S bilinear with
 * {@code scale_factor} 0.5, σ_xy·0.5), S is zeroed outside the crop's valid box, and the gate
 * {@code G = box − max_k S_k}, 1 where the label is ignore (255), clipped at 0.
 *
 * <p>The gradient holds the gate constant, as the code's hand-written backward does, but is the exact gradient of L
 * for the lattice filter: {@code −weight/B · (G ∘ W S + Wᵀ(G ∘ S)) ∘ box}. Departure: the code's backward is
 * {@code −2·weight/B · (G ∘ W S) ∘ box}, equal to it only where G is constant and W symmetric; the permutohedral
 * filter is not exactly symmetric (its transpose is the reverse-order blur; on random colours the two gradients
 * differed by 4 %, and the code's failed the finite-difference test). Departure: the commented-out call passes the
 * stride-4 logits {@code segs} beside the full-size image, which cannot run (the two are halved to different
 * sizes); here the logits are upsampled to the crop first, as for the segmentation loss.
 */
public final class DenseEnergyLoss {
    /** The official constants (the commented-out line of dist_train_voc.py). */
    public static final double LAYER_WEIGHT = 1e-7;
    public static final double SIGMA_RGB = 15;
    public static final double SIGMA_XY = 100;
    public static final double SCALE = 0.5;

    private DenseEnergyLoss() {}

    /**
     * @param logits {@code [B, K, H, W]} segmentation logits at the crop's size (on the autograd path)
     * @param images {@code [B, 3, H, W]} 0–255 pixels (the de-normalised crop, not truncated), row-major
     * @param labels {@code [B·H·W]} the segmentation label in use (255 = ignore)
     * @param boxes each crop's valid region
     * @param weight the layer weight (official 1e-7)
     * @return the scalar loss; its value is L, its gradient the official backward
     */
    public static NDArray loss(NDArray logits, float[] images, int[] labels, AfaLabels.Box[] boxes, double weight) {
        int b = (int) logits.getShape().get(0), k = (int) logits.getShape().get(1);
        int h = (int) logits.getShape().get(2), w = (int) logits.getShape().get(3);
        NDArray s = BilinearResize.resizeByFactor(logits.softmax(1), SCALE); // [B, K, h2, w2]
        int h2 = (int) s.getShape().get(2), w2 = (int) s.getShape().get(3), n = h2 * w2;
        float[] sv = s.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        float[] grad = new float[sv.length];
        double value = 0;
        PermutohedralLattice lattice = new PermutohedralLattice(5);
        float[] features = new float[n * 5];
        float[] in = new float[n * k], out = new float[n * k];
        double sxy = SIGMA_XY * SCALE;
        for (int img = 0; img < b; img++) {
            boolean[] roi = new boolean[n];
            float[] gate = new float[n];
            for (int y = 0; y < h2; y++) {
                for (int x = 0; x < w2; x++) {
                    int p = y * w2 + x;
                    // F.interpolate(..., scale_factor=0.5) nearest: source pixel floor(dst / 0.5)
                    int sy = Math.min(h - 1, (int) Math.floor(y / SCALE)), sx = Math.min(w - 1, (int) Math.floor(x / SCALE));
                    roi[p] = boxes[img].contains(sy, sx);
                    features[p * 5] = (float) (x / sxy);
                    features[p * 5 + 1] = (float) (y / sxy);
                    for (int c = 0; c < 3; c++) {
                        features[p * 5 + 2 + c] = (float) (images[((img * 3 + c) * h + sy) * w + sx] / SIGMA_RGB);
                    }
                    float max = 0;
                    for (int c = 0; c < k; c++) {
                        max = Math.max(max, sv[((img * k + c) * n) + p]);
                    }
                    float g = (roi[p] ? 1f : 0f) - max;
                    if (labels[(img * h + sy) * w + sx] == AfaLabels.IGNORE) {
                        g = 1f;
                    }
                    gate[p] = Math.max(0f, g);
                    for (int c = 0; c < k; c++) {
                        in[p * k + c] = roi[p] ? sv[(img * k + c) * n + p] : 0f; // segmentations ∘ ROIs
                    }
                }
            }
            lattice.build(features, n);
            lattice.filter(in, out, k, false);
            // Wᵀ(G ∘ S): the lattice filter is not exactly symmetric; its transpose is the reverse-order blur
            float[] gated = new float[n * k], rev = new float[n * k];
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < k; c++) {
                    gated[p * k + c] = in[p * k + c] * gate[p];
                }
            }
            lattice.filter(gated, rev, k, true);
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < k; c++) {
                    double as = out[p * k + c] * gate[p];
                    value -= in[p * k + c] * as;
                    grad[(img * k + c) * n + p] = roi[p] ? (float) (-weight * (as + rev[p * k + c]) / b) : 0f;
                }
            }
        }
        value *= weight / b;
        NDArray g = s.getManager().create(grad, s.getShape()).toType(s.getDataType(), false);
        NDArray surrogate = s.mul(g).sum(); // gradient g with respect to S
        return surrogate.sub(surrogate.stopGradient()).add(Ops.scalar(surrogate, value));
    }
}
