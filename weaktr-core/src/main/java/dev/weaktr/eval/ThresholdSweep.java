package dev.weaktr.eval;

/**
 * Background-threshold sweep for CAM evaluation (spec §3.4, peers.md §6.2): one confusion matrix per
 * threshold t over the whole split, a pixel being class argmax_k cam_k when max_k cam_k > t and background
 * otherwise. Full sweep (no early stop: the official greedy stop can miss the optimum). One pass over the
 * pixels: each pixel is binned by how many thresholds it beats, and the matrices are prefix sums of bins.
 */
public final class ThresholdSweep implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int k;
    private final float[] thresholds;
    private final long[][] bins; // [thresholds + 1][K * K]: pixels beating exactly b thresholds, by (gt, fg class)

    /** Thresholds {@code from, from + step, ..., to} (inclusive), e.g. 0.00..0.60 by 0.01. */
    public ThresholdSweep(int numClasses, double from, double to, double step) {
        this.k = numClasses;
        int n = (int) Math.round((to - from) / step) + 1;
        this.thresholds = new float[n];
        for (int i = 0; i < n; i++) {
            thresholds[i] = (float) (from + i * step);
        }
        this.bins = new long[n + 1][k * k];
    }

    public float[] thresholds() {
        return thresholds.clone();
    }

    /**
     * Adds one image.
     *
     * @param gt [H·W] ground truth, 255 ignored
     * @param maxCam [H·W] max over present classes of the normalised CAMs (0 where none)
     * @param argClass [H·W] class index of that max (any value where the image has no class)
     */
    public void add(byte[] gt, float[] maxCam, int[] argClass) {
        for (int i = 0; i < gt.length; i++) {
            int g = gt[i] & 0xff;
            if (g == 255 || g >= k) {
                continue;
            }
            int beaten = 0;
            while (beaten < thresholds.length && maxCam[i] > thresholds[beaten]) {
                beaten++;
            }
            bins[beaten][g * k + (beaten == 0 ? 0 : argClass[i])]++;
        }
    }

    /** Adds the pixels another sweep (same classes and thresholds) has counted, e.g. on another machine. */
    public ThresholdSweep addAll(ThresholdSweep other) {
        if (other.k != k || !java.util.Arrays.equals(other.thresholds, thresholds)) {
            throw new IllegalArgumentException("sweeps over different classes or thresholds cannot be added");
        }
        for (int b = 0; b < bins.length; b++) {
            for (int cell = 0; cell < bins[b].length; cell++) {
                bins[b][cell] += other.bins[b][cell];
            }
        }
        return this;
    }

    /** The confusion matrix at threshold index {@code t}. */
    public ConfusionMatrix matrix(int t) {
        ConfusionMatrix m = new ConfusionMatrix(k);
        for (int b = 0; b < bins.length; b++) {
            for (int cell = 0; cell < k * k; cell++) {
                long n = bins[b][cell];
                if (n == 0) {
                    continue;
                }
                int g = cell / k;
                m.add(g, b > t ? cell % k : 0, n); // beats threshold t  <=>  beaten > t
            }
        }
        return m;
    }

    /** Index of the threshold with the highest mIoU (the lowest such threshold on ties). */
    public int best() {
        int best = 0;
        double bestIou = -1;
        for (int t = 0; t < thresholds.length; t++) {
            double v = matrix(t).meanIou();
            if (v > bestIou) {
                bestIou = v;
                best = t;
            }
        }
        return best;
    }
}
