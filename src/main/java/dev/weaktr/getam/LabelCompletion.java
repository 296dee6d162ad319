package dev.weaktr.getam;

import java.util.Arrays;

/**
 * GETAM's activation-aware label completion (peers.md §3.3; official {@code myTool.compute_seg_label_3}, VOC
 * version), after PAMR and max-normalisation of the class maps:
 * <ol>
 *   <li>absent classes' maps are zeroed; bg = (1 − max_c M_c)^32; argmax over [bg; M] (first maximum wins);</li>
 *   <li>saliency-constrained masking: argmax-bg pixels → 255 (ignore); non-salient pixels → 0;</li>
 *   <li>high-activation mining, classes in index order: the 90th percentile of a class's positive values
 *   ({@code sorted[int(n·0.9)]}); pixels above it that are labelled 0 become the class and are marked salient (255
 *   in the returned saliency); a pixel mined by an earlier class is never 0 again, so the code's "conflict → 255"
 *   branch cannot fire (kept for fidelity);</li>
 *   <li>noise removal: a 10×10 morphological opening of {@code label ≠ 0} (ignore counts as foreground) with
 *   OpenCV's anchor for an even kernel (window offsets −5..+4, for the erosion and the dilation alike) and its
 *   border rule (pixels outside the image never decide); pixels outside the opened mask → 0.</li>
 * </ol>
 * No CRF, despite the official variable name.
 */
public final class LabelCompletion {
    public static final int IGNORE = 255;
    /** The official VOC {@code cut_threshold} (the COCO code hard-codes 0.95). */
    public static final double CUT_THRESHOLD = 0.9;
    /** bg = (1 − max)^32. */
    public static final int BG_POWER = 32;
    /** The opening kernel size. */
    public static final int OPENING = 10;

    private LabelCompletion() {}

    /**
     * @param label per pixel 0 (background), 1..C (class + 1) or {@link #IGNORE}
     * @param saliency the binary saliency (0/1) with the mined pixels set to 255, as the official code returns it
     *     (its in-place update feeds the saliency loss, peers.md §3.4)
     */
    public record Result(int[] label, float[] saliency) {}

    /**
     * @param normCam [C, H, W] max-normalised class maps (after PAMR)
     * @param present the image's classes
     * @param salient [H, W] the binarised saliency ({@code > 0}), or {@code null} for the image-level-only form
     *     (every pixel salient: no pixel is forced to background)
     */
    public static Result complete(float[] normCam, boolean[] present, boolean[] salient, int h, int w,
            double cutThreshold) {
        int n = h * w, c = present.length;
        int[] label = new int[n];
        float[] saliency = new float[n];
        for (int p = 0; p < n; p++) {
            float best = Float.NEGATIVE_INFINITY, max = 0;
            int arg = 0;
            for (int k = 0; k < c; k++) {
                float v = present[k] ? normCam[k * n + p] : 0f;
                max = k == 0 ? v : Math.max(max, v);
            }
            float bg = (float) Math.pow(1 - max, BG_POWER);
            best = bg;
            for (int k = 0; k < c; k++) {
                float v = present[k] ? normCam[k * n + p] : 0f;
                if (v > best) {
                    best = v;
                    arg = k + 1;
                }
            }
            label[p] = arg == 0 ? IGNORE : arg;
            boolean s = salient == null || salient[p];
            saliency[p] = s ? 1 : 0;
            if (!s) {
                label[p] = 0;
            }
        }
        boolean[] mined = new boolean[n];
        for (int k = 0; k < c; k++) {
            if (!present[k]) {
                continue;
            }
            int count = 0;
            for (int p = 0; p < n; p++) {
                count += normCam[k * n + p] > 0 ? 1 : 0;
            }
            float[] order = new float[count];
            for (int p = 0, i = 0; p < n; p++) {
                if (normCam[k * n + p] > 0) {
                    order[i++] = normCam[k * n + p];
                }
            }
            Arrays.sort(order);
            int pos = (int) (count * cutThreshold);
            if (pos <= 0) {
                continue;
            }
            float threshold = order[pos];
            boolean[] now = new boolean[n];
            for (int p = 0; p < n; p++) {
                if (normCam[k * n + p] > threshold && label[p] == 0) {
                    now[p] = true;
                    label[p] = k + 1;
                    saliency[p] = 255;
                }
            }
            for (int p = 0; p < n; p++) {
                if (now[p] && mined[p]) {
                    label[p] = IGNORE; // never reached: a mined pixel is no longer 0
                }
                mined[p] |= now[p];
            }
        }
        boolean[] fg = new boolean[n];
        for (int p = 0; p < n; p++) {
            fg[p] = label[p] != 0;
        }
        boolean[] opened = open(fg, h, w, OPENING);
        for (int p = 0; p < n; p++) {
            if (!opened[p]) {
                label[p] = 0;
            }
        }
        return new Result(label, saliency);
    }

    /**
     * {@code cv2.morphologyEx(MORPH_OPEN, ones(k, k))}: erosion then dilation over the window offsets
     * {@code −k/2 .. k − 1 − k/2} (anchor k/2), out-of-image pixels ignored (OpenCV's default border value).
     */
    static boolean[] open(boolean[] mask, int h, int w, int k) {
        return morph(morph(mask, h, w, k, true), h, w, k, false);
    }

    private static boolean[] morph(boolean[] in, int h, int w, int k, boolean erode) {
        int lo = -(k / 2), hi = k - 1 - k / 2;
        boolean[] rows = new boolean[h * w]; // separable: along x, then along y
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean v = erode;
                for (int dx = lo; dx <= hi; dx++) {
                    int xx = x + dx;
                    if (xx < 0 || xx >= w) {
                        continue;
                    }
                    v = erode ? v && in[y * w + xx] : v || in[y * w + xx];
                }
                rows[y * w + x] = v;
            }
        }
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean v = erode;
                for (int dy = lo; dy <= hi; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= h) {
                        continue;
                    }
                    v = erode ? v && rows[yy * w + x] : v || rows[yy * w + x];
                }
                out[y * w + x] = v;
            }
        }
        return out;
    }

    /** Max-normalisation as the official code: {@code M / (max M + 1e-5)} per class map, in place. */
    public static float[] maxNormalise(float[] maps, int k, int n) {
        for (int c = 0; c < k; c++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < n; p++) {
                max = Math.max(max, maps[c * n + p]);
            }
            for (int p = 0; p < n; p++) {
                maps[c * n + p] = maps[c * n + p] / (max + 1e-5f);
            }
        }
        return maps;
    }
}
