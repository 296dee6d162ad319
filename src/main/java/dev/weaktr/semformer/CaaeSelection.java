package dev.weaktr.semformer;

/**
 * The CAAE's checkpoint selection score (train_caae.py {@code evaluate}; peers.md §4.1): for every threshold
 * 0.01, 0.02, …, 0.99 the similarities are binarised ({@code s > th → 1}), each image's average precision of those
 * binary scores against its labels (background included) is computed as scikit-learn's
 * {@code average_precision_score}, and the images' mean ×100 is that threshold's "mAP"; the score is the best over
 * the thresholds (the first best on ties).
 *
 * <p>With binary scores the precision–recall curve has at most two points, so an image's AP is
 * {@code R₁·P₁ + (1 − R₁)·P₀}: P₁, R₁ the precision and recall of the classes scored 1 (the term is absent when none
 * is), P₀ the fraction of positive classes (everything predicted positive).
 */
public final class CaaeSelection {
    private CaaeSelection() {}

    /** The best threshold and its mAP (0–100). */
    public record Score(double threshold, double map) {}

    /**
     * @param similarity per image, K similarities
     * @param labels per image, K labels in {0, 1} (background first, always 1)
     */
    public static Score best(float[][] similarity, float[][] labels) {
        double bestTh = 0, bestMap = 0;
        for (int t = 1; t < 100; t++) {
            double th = t / 100.0;
            double sum = 0;
            for (int i = 0; i < similarity.length; i++) {
                sum += averagePrecision(similarity[i], labels[i], th);
            }
            double map = 100 * sum / similarity.length;
            if (bestMap < map) { // the official strict test: ties keep the lower threshold
                bestMap = map;
                bestTh = th;
            }
        }
        return new Score(bestTh, bestMap);
    }

    /** One image's AP of the binarised scores {@code s > th}. */
    static double averagePrecision(float[] s, float[] y, double th) {
        int positives = 0, predicted = 0, hits = 0;
        for (int k = 0; k < s.length; k++) {
            boolean pos = y[k] > 0, one = s[k] > (float) th;
            positives += pos ? 1 : 0;
            predicted += one ? 1 : 0;
            hits += pos && one ? 1 : 0;
        }
        if (positives == 0) {
            return Double.NaN; // scikit-learn: no positive class (cannot happen here: background is always 1)
        }
        double p0 = positives / (double) s.length;
        if (predicted == 0) {
            return p0;
        }
        double p1 = hits / (double) predicted, r1 = hits / (double) positives;
        return r1 * p1 + (1 - r1) * p0;
    }
}
