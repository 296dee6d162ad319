package dev.weaktr.crf;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.RgbImage;

/**
 * The dense CRF entry points used by seeds and segmentation. Each call builds a fresh {@link MeanField};
 * for many images, use a {@link CrfRunner} (one reusable MeanField per worker thread) or call the
 * instance methods of {@link MeanField} through {@link #refine(MeanField, RgbImage, float[], int, CrfConfig)}.
 *
 * <p>Only the labels passed matter: callers pass the image's own label set (background + its classes)
 * in compact form, M = that set's size.
 */
public final class DenseCrf {
    private DenseCrf() {}

    /**
     * Refines probabilities with the softmax unary U = −log(clip(P, 1e-5, 1)).
     *
     * @param probs {@code [M][H][W]} row-major, finite and ≥ 0 (need not sum to 1)
     * @return Q, {@code [M][H][W]} row-major
     */
    public static float[] refine(RgbImage image, float[] probs, int m, CrfConfig cfg) {
        return refine(new MeanField(), image, probs, m, cfg);
    }

    /** As {@link #refine(RgbImage, float[], int, CrfConfig)}, reusing {@code worker}'s buffers. */
    public static float[] refine(MeanField worker, RgbImage image, float[] probs, int m, CrfConfig cfg) {
        checkProbabilities(probs, m, image.width(), image.height(), "CRF probabilities");
        return worker.infer(image, Unaries.fromProbabilities(probs), m, cfg);
    }

    /**
     * Refines a hard label map with pydensecrf's {@code unary_from_labels(gt_prob=cfg.gtProb(),
     * zero_unsure=False)} and returns the argmax labels.
     *
     * @param labels {@code [H][W]} row-major compact labels 0..M−1; 255 = unsure (uniform unary)
     * @return refined labels {@code [H][W]} in 0..M−1
     */
    public static byte[] refineLabels(RgbImage image, byte[] labels, int m, CrfConfig cfg) {
        return refineLabels(new MeanField(), image, labels, m, cfg);
    }

    /** As {@link #refineLabels(RgbImage, byte[], int, CrfConfig)}, reusing {@code worker}'s buffers. */
    public static byte[] refineLabels(MeanField worker, RgbImage image, byte[] labels, int m, CrfConfig cfg) {
        int n = image.width() * image.height();
        if (labels.length != n) {
            throw new WeaktrException("CRF labels: expected " + image.height() + "x" + image.width()
                    + " = " + n + " pixels to match the image, got " + labels.length);
        }
        if (m < 1 || m > 255) {
            throw new WeaktrException("CRF labels: number of labels must be in 1..255, got " + m);
        }
        if (m == 1) {
            return new byte[n]; // one label: nothing to choose
        }
        float[] q = worker.infer(image, Unaries.fromLabels(labels, m, cfg.gtProb()), m, cfg);
        return argmax(q, m, n);
    }

    /**
     * Refines a label map over its own label set (or {@code keys}, when given: e.g. background + the
     * image's classes) and returns labels in the original ids. WeakTr's CAM seeds: hard-label unary, then
     * map the compact argmax back (weaktr-spec §3.3).
     *
     * @param labels {@code [H][W]} original label ids; 255 = unsure
     * @param keys   the label set, ascending original ids, or null for the labels present
     */
    public static byte[] refineLabelMap(MeanField worker, RgbImage image, byte[] labels, int[] keys, CrfConfig cfg) {
        CompactLabels c = keys == null ? CompactLabels.of(labels) : CompactLabels.over(labels, keys);
        if (c.size() == 0) {
            return labels.clone(); // all unsure
        }
        return c.expand(refineLabels(worker, image, c.compact(), c.size(), cfg));
    }

    /**
     * Refines the channels {@code keys} of a {@code [C][H][W]} probability map and returns the argmax in
     * original ids: WeakTr's segmentation CRF on the restricted (background + image classes) channels
     * (weaktr-spec §4.5).
     *
     * @param probs {@code [C][H][W]} row-major
     * @param keys  channels to keep, each in 0..C−1 and at most 255 of them
     * @return labels {@code [H][W]}, values from {@code keys}
     */
    public static byte[] refineChannels(MeanField worker, RgbImage image, float[] probs, int c, int[] keys,
            CrfConfig cfg) {
        int n = image.width() * image.height();
        checkProbabilities(probs, c, image.width(), image.height(), "CRF probabilities");
        if (keys.length < 1 || keys.length > 255) {
            throw new WeaktrException("CRF channels: expected 1..255 keys, got " + keys.length);
        }
        float[] sub = new float[keys.length * n];
        for (int k = 0; k < keys.length; k++) {
            if (keys[k] < 0 || keys[k] >= c || keys[k] > 255) {
                throw new WeaktrException("CRF channels: key " + keys[k] + " outside 0.." + Math.min(c - 1, 255));
            }
            System.arraycopy(probs, keys[k] * n, sub, k * n, n);
        }
        byte[] arg = argmax(worker.infer(image, Unaries.fromProbabilities(sub), keys.length, cfg), keys.length, n);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) keys[arg[i]];
        }
        return out;
    }

    /** Per-pixel argmax of {@code [M][N]} scores (first maximum wins, like numpy). */
    public static byte[] argmax(float[] scores, int m, int n) {
        byte[] out = new byte[n];
        float[] best = new float[n];
        System.arraycopy(scores, 0, best, 0, n);
        for (int l = 1; l < m; l++) {
            int b = l * n;
            for (int i = 0; i < n; i++) {
                if (scores[b + i] > best[i]) {
                    best[i] = scores[b + i];
                    out[i] = (byte) l;
                }
            }
        }
        return out;
    }

    /**
     * Checks a {@code [M][H][W]} probability array: length, finite, non-negative.
     *
     * @param what names the file or argument in the error message
     */
    public static void checkProbabilities(float[] probs, int m, int width, int height, String what) {
        if (m < 1) {
            throw new WeaktrException(what + ": expected at least 1 label, got " + m);
        }
        long n = (long) m * width * height;
        if (probs.length != n) {
            throw new WeaktrException(what + ": expected " + m + "x" + height + "x" + width + " = " + n
                    + " values (labels x height x width), got " + probs.length);
        }
        for (int i = 0; i < probs.length; i++) {
            float p = probs[i];
            if (!(p >= 0) || p == Float.POSITIVE_INFINITY) {
                int hw = width * height;
                throw new WeaktrException(what + ": value " + p + " at [label " + (i / hw) + ", y " + (i % hw / width)
                        + ", x " + (i % width) + "]; expected finite values ≥ 0");
            }
        }
    }
}
