package dev.weaktr.eval;

/**
 * A (K × K) confusion matrix over pixels, rows = ground truth, columns = prediction; ground-truth 255
 * (ignore) is skipped. IoU_c = TP / (T + P − TP); mIoU = mean over classes whose IoU is defined
 * (T + P > 0), as numpy's nanmean in the WSSS evaluation scripts (peers.md §6, spec §3.4).
 */
public final class ConfusionMatrix {
    private final int k;
    private final long[] counts;

    public ConfusionMatrix(int numClasses) {
        this.k = numClasses;
        this.counts = new long[numClasses * numClasses];
    }

    /** The matrix from counts[gt][pred], as {@link #toArray()} writes it (metrics.json's "confusion"). */
    public static ConfusionMatrix of(long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int g = 0; g < counts.length; g++) {
            if (counts[g].length != counts.length) {
                throw new IllegalArgumentException("confusion matrix row " + g + " has " + counts[g].length
                        + " entries, expected " + counts.length);
            }
            for (int p = 0; p < counts.length; p++) {
                m.counts[g * m.k + p] = counts[g][p];
            }
        }
        return m;
    }

    /** counts[gt][pred]. */
    public long[][] toArray() {
        long[][] out = new long[k][k];
        for (int g = 0; g < k; g++) {
            System.arraycopy(counts, g * k, out[g], 0, k);
        }
        return out;
    }

    public int numClasses() {
        return k;
    }

    public long get(int gt, int pred) {
        return counts[gt * k + pred];
    }

    public void add(int gt, int pred, long n) {
        counts[gt * k + pred] += n;
    }

    /** Adds a label map pair ([H·W] each, unsigned bytes); predictions outside 0..K-1 count as errors of class 0. */
    public void add(byte[] gt, byte[] pred) {
        if (gt.length != pred.length) {
            throw new IllegalArgumentException("prediction and ground truth differ in size");
        }
        for (int i = 0; i < gt.length; i++) {
            int g = gt[i] & 0xff;
            if (g == 255 || g >= k) {
                continue;
            }
            int p = pred[i] & 0xff;
            counts[g * k + (p < k ? p : 0)]++;
        }
    }

    public void addAll(ConfusionMatrix other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    private long truePositives(int c) {
        return counts[c * k + c];
    }

    private long gtCount(int c) {
        long s = 0;
        for (int j = 0; j < k; j++) {
            s += counts[c * k + j];
        }
        return s;
    }

    private long predCount(int c) {
        long s = 0;
        for (int i = 0; i < k; i++) {
            s += counts[i * k + c];
        }
        return s;
    }

    /** IoU per class; NaN where the class is neither in the ground truth nor predicted. */
    public double[] iou() {
        double[] r = new double[k];
        for (int c = 0; c < k; c++) {
            long union = gtCount(c) + predCount(c) - truePositives(c);
            r[c] = union == 0 ? Double.NaN : truePositives(c) / (double) union;
        }
        return r;
    }

    /** TP / P per class (NaN when never predicted). */
    public double[] precision() {
        double[] r = new double[k];
        for (int c = 0; c < k; c++) {
            long p = predCount(c);
            r[c] = p == 0 ? Double.NaN : truePositives(c) / (double) p;
        }
        return r;
    }

    /** TP / T per class (NaN when absent from the ground truth). */
    public double[] recall() {
        double[] r = new double[k];
        for (int c = 0; c < k; c++) {
            long t = gtCount(c);
            r[c] = t == 0 ? Double.NaN : truePositives(c) / (double) t;
        }
        return r;
    }

    public double meanIou() {
        return nanMean(iou());
    }

    public static double nanMean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
