package dev.weaktr.semformer;

import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.crf.MeanField;
import dev.weaktr.io.RgbImage;

/**
 * SemFormer's label maps around the random walk (peers.md §0.2, §0.5, §4.4).
 *
 * <ul>
 *   <li>{@link #confident}: make_affinity_labels.py. The CAM of the image's classes is stacked under a constant
 *       background plane of 0.11 ("fg" pass) and, separately, 0.15 ("bg" pass); each argmax is refined by the dense
 *       CRF on labels ({@link CrfConfig#SEMFORMER_AFF}: p = 0.7; Gaussian 3/3; bilateral 50/5/10; 10 iterations)
 *       over the image's label set; then label = fg pass, 255 where the fg pass says background, 0 where both do
 *       (§0.2). Official quirk, followed: the "fg" threshold 0.11 is <em>below</em> the "bg" one 0.15, so the fg
 *       pass has the weaker background and the ignore band holds only the pixels the two CRFs disagree on
 *       (Puzzle-CAM's defaults were 0.30 / 0.05).
 *   <li>{@link #finalLabels}: make_pseudo_labels.py on the random walk: background plane 0.25, argmax, the CRF on
 *       labels for 1 iteration ({@link CrfConfig#SEMFORMER_FINAL}).
 *   <li>{@link #pairs}: IRN's {@code GetAffinityLabelFromIndices}: per (direction, source) pair of a {@link PathIndex}
 *       on a label map, bg-positive (both 0), fg-positive (same class &gt; 0), negative (different labels), pairs
 *       with an ignored (255) end in none.
 * </ul>
 */
public final class AffinityLabels {
    /** make_affinity_labels.py's {@code --fg_threshold}. */
    public static final float FG_THRESHOLD = 0.11f;
    /** make_affinity_labels.py's {@code --bg_threshold}. */
    public static final float BG_THRESHOLD = 0.15f;
    /** make_pseudo_labels.py's {@code --threshold} for the random-walk maps. */
    public static final float RW_THRESHOLD = 0.25f;
    public static final int IGNORE = 255;

    private AffinityLabels() {}

    /**
     * @param cams [K, H, W] the CAMs of the image's classes, max-normed
     * @param keys the class ids of the K maps (1-based; background is 0)
     * @return [H, W] label ids, 255 where unsure
     */
    public static byte[] confident(MeanField worker, RgbImage image, float[] cams, int[] keys, CrfConfig crf) {
        int n = image.width() * image.height();
        byte[] fg = DenseCrf.refineLabels(worker, image, argmaxWithBackground(cams, keys.length, n, FG_THRESHOLD),
                keys.length + 1, crf);
        byte[] bg = DenseCrf.refineLabels(worker, image, argmaxWithBackground(cams, keys.length, n, BG_THRESHOLD),
                keys.length + 1, crf);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int f = fg[i] & 0xff, b = bg[i] & 0xff;
            // conf = keys[fg]; conf[fg == 0] = 255; conf[bg + fg == 0] = 0
            out[i] = (byte) (f == 0 ? (b == 0 ? 0 : IGNORE) : keys[f - 1]);
        }
        return out;
    }

    /**
     * @param maps [K, H, W] the random walk's maps of the image's classes (divided by their overall max)
     * @return [H, W] label ids (no ignore)
     */
    public static byte[] finalLabels(MeanField worker, RgbImage image, float[] maps, int[] keys, CrfConfig crf) {
        int n = image.width() * image.height();
        byte[] arg = argmaxWithBackground(maps, keys.length, n, RW_THRESHOLD);
        byte[] refined = crf.iterations() > 0 ? DenseCrf.refineLabels(worker, image, arg, keys.length + 1, crf) : arg;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int l = refined[i] & 0xff;
            out[i] = (byte) (l == 0 ? 0 : keys[l - 1]);
        }
        return out;
    }

    /** argmax over [bg plane = t; maps], 0 = background, k = the k-th map (numpy: the first maximum wins). */
    static byte[] argmaxWithBackground(float[] maps, int k, int n, float t) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            float best = t;
            int arg = 0;
            for (int c = 0; c < k; c++) {
                float v = maps[c * n + i];
                if (v > best) {
                    best = v;
                    arg = c + 1;
                }
            }
            out[i] = (byte) arg;
        }
        return out;
    }

    /** The three pair-label sets, each [P · M] of 0/1 in {@link PathIndex#dst()} order. */
    public record Pairs(float[] bgPos, float[] fgPos, float[] neg) {}

    /**
     * @param labels [H, W] label ids on {@code index}'s grid, 255 = ignore
     */
    public static Pairs pairs(byte[] labels, PathIndex index) {
        int[] src = index.src(), dst = index.dst();
        int m = src.length;
        float[] bg = new float[dst.length], fg = new float[dst.length], neg = new float[dst.length];
        for (int j = 0; j < dst.length; j++) {
            int from = labels[src[j % m]] & 0xff, to = labels[dst[j]] & 0xff;
            // official: valid = both < 21 (VOC's class count hard-coded); here: both not ignored
            if (from == IGNORE || to == IGNORE) {
                continue;
            }
            if (from == to) {
                if (from == 0) {
                    bg[j] = 1;
                } else {
                    fg[j] = 1;
                }
            } else {
                neg[j] = 1;
            }
        }
        return new Pairs(bg, fg, neg);
    }
}
