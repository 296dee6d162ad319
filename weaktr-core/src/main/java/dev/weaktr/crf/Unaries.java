package dev.weaktr.crf;

import dev.weaktr.WeaktrException;

/**
 * Unary energies as pydensecrf's {@code utils} builds them (peers.md §5.1). All arrays are label-major:
 * {@code [M][N]} row-major with N = H·W pixels.
 */
public final class Unaries {
    /** Lower clip of {@code unary_from_softmax}. */
    public static final float PROB_FLOOR = 1e-5f;
    /** Label value that means "unsure": its pixel gets the uniform unary −log(1/M). */
    public static final int UNSURE = 255;

    private Unaries() {}

    /**
     * {@code unary_from_softmax}: U = −log(clip(P, 1e-5, 1)). P is used as given (need not sum to 1).
     *
     * @param probs {@code [M][N]}, finite and ≥ 0
     * @return U, {@code [M][N]}
     */
    public static float[] fromProbabilities(float[] probs) {
        float[] u = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            float p = Math.min(1f, Math.max(PROB_FLOOR, probs[i]));
            u[i] = (float) -Math.log(p);
        }
        return u;
    }

    /**
     * {@code unary_from_labels(labels, m, gt_prob, zero_unsure=False)}: −log(gt_prob) for the given label,
     * −log((1 − gt_prob)/(M − 1)) for every other one; label 0 is an ordinary class. A pixel labelled
     * {@link #UNSURE} (255, ignore) gets −log(1/M) for all labels (pydensecrf's "unsure" value).
     *
     * @param labels {@code [N]} values in 0..M−1 or 255
     * @param m      number of labels, ≥ 2
     * @return U, {@code [M][N]}
     */
    public static float[] fromLabels(byte[] labels, int m, double gtProb) {
        if (m < 2) {
            throw new WeaktrException("CRF label unary: need at least 2 labels, got " + m);
        }
        if (!(gtProb > 0 && gtProb < 1)) {
            throw new WeaktrException("CRF label unary: gt_prob must be in (0, 1), got " + gtProb);
        }
        int n = labels.length;
        float pos = (float) -Math.log(gtProb);
        float neg = (float) -Math.log((1.0 - gtProb) / (m - 1));
        float unsure = (float) -Math.log(1.0 / m);
        float[] u = new float[m * n];
        for (int i = 0; i < n; i++) {
            int l = labels[i] & 0xff;
            if (l == UNSURE) {
                for (int c = 0; c < m; c++) {
                    u[c * n + i] = unsure;
                }
                continue;
            }
            if (l >= m) {
                throw new WeaktrException("CRF label unary: pixel " + i + " has label " + l
                        + "; expected a compact label in 0.." + (m - 1) + " or 255");
            }
            for (int c = 0; c < m; c++) {
                u[c * n + i] = c == l ? pos : neg;
            }
        }
        return u;
    }
}
