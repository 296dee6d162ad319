package dev.weaktr.afa;

import dev.weaktr.cam.BilinearUpsample;

/**
 * The labels AFA's training derives each iteration (rulixiang/afa {@code utils/camutils.py},
 * {@code scripts/dist_train_voc.py}), one image at a time on plain arrays, no gradient:
 * <ul>
 *   <li>{@link #refinedLabel}: CAM → constant background planes → softmax → PAR → argmax, combined from a high
 *       and a low background threshold ({@code refine_cams_with_bkg_v2}; the label the affinity loss learns from);</li>
 *   <li>{@link #affinityLabel}: pairwise same/different labels on the stage-4 grid within a square radius
 *       ({@code cams_to_affinity_label}, {@code get_mask_by_radius});</li>
 *   <li>{@link #randomWalkLabel}: the CAM propagated by the learned affinity, refined by PAR, combined the same way
 *       ({@code propagte_aff_cam_with_bkg}, {@code refine_cams_with_cls_label}).</li>
 * </ul>
 * Labels are class indices (0 = background) or {@link #IGNORE}.
 */
public final class AfaLabels {
    public static final int IGNORE = 255;
    /** Background scores of the confident labels (peers.md §0.2): β_h, β_l. */
    public static final float HIGH = 0.55f;
    public static final float LOW = 0.35f;
    /** The official random walk's column normaliser offset ("avoid nan") and power (peers.md §2.6). */
    static final double RW_OFFSET = 0.1;

    private AfaLabels() {}

    /** AFA's normalisation (ImageNet mean/std on 0–255 pixels). */
    static final float[] MEAN = {123.675f, 116.28f, 103.53f};
    static final float[] STD = {58.395f, 57.12f, 57.375f};

    /**
     * What PAR sees ({@code denormalize_img2}): {@code trunc_uint8(x·std + mean) / 255} in float32, from the
     * normalised crop {@code [3, H, W]} (peers.md §2.7: the truncation, not the source bytes). Values outside
     * [0, 255] (not produced by real pixels) are clamped.
     */
    public static float[] image01(float[] normalised, int h, int w) {
        int hw = h * w;
        float[] out = new float[3 * hw];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < hw; i++) {
                float v = normalised[c * hw + i] * STD[c] + MEAN[c];
                int t = (int) v;
                out[c * hw + i] = Math.max(0, Math.min(255, t)) / 255f;
            }
        }
        return out;
    }

    /** A crop's valid region {@code [y0, y1) × [x0, x1)} (outside is padding). */
    public record Box(int y0, int y1, int x0, int x1) {
        boolean contains(int y, int x) {
            return y >= y0 && y < y1 && x >= x0 && x < x1;
        }
    }

    /**
     * The initial refined pseudo label ({@code refine_cams_with_bkg_v2}).
     *
     * @param image01 {@code [3, H, W]}: the de-normalised crop truncated to bytes, /255 ({@code denormalize_img2})
     * @param cams {@code [C, H, W]} multi-scale CAM in [0, 1]
     * @param present the image-level labels (C)
     * @return {@code [H·W]} labels, {@link #IGNORE} outside {@code box} and where only the high-threshold label is bg
     */
    public static int[] refinedLabel(float[] image01, float[] cams, boolean[] present, int h, int w, Box box) {
        int h2 = h / 2, w2 = w / 2;
        float[] half = BilinearUpsample.resize(image01, 3, h, w, h2, w2);
        int[] keys = keys(present);
        int[] high = refineOnce(half, cams, keys, HIGH, h, w, h2, w2);
        int[] low = refineOnce(half, cams, keys, LOW, h, w, h2, w2);
        int[] out = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                out[i] = box.contains(y, x) ? combine(high[i], low[i]) : IGNORE;
            }
        }
        return out;
    }

    private static int[] refineOnce(float[] half, float[] cams, int[] keys, float bg, int h, int w, int h2, int w2) {
        int k = keys.length, hw = h * w;
        float[] planes = new float[k * hw];
        java.util.Arrays.fill(planes, 0, hw, bg);
        for (int i = 1; i < k; i++) {
            System.arraycopy(cams, (keys[i] - 1) * hw, planes, i * hw, hw);
        }
        float[] small = softmaxChannels(BilinearUpsample.resize(planes, k, h, w, h2, w2), k, h2 * w2);
        float[] refined = Par.refine(half, h2, w2, small, k, h2, w2);
        return argmaxKeys(BilinearUpsample.resize(refined, k, h2, w2, h, w), keys, hw);
    }

    /**
     * The random-walk label of one image (training step 6 of peers.md §2.2).
     *
     * @param image01 {@code [3, H, W]} as for {@link #refinedLabel}
     * @param cams {@code [C, H, W]} multi-scale CAM (absent classes are zeroed here)
     * @param affinity {@code [N, N]} Â of the 1.5× forward, N = ih·iw
     * @param radius the window of the walk (8)
     */
    public static int[] randomWalkLabel(float[] image01, float[] cams, boolean[] present, float[] affinity, int ih, int iw,
            int radius, int h, int w, Box box) {
        int c = present.length, hw = h * w, n = ih * iw;
        float[] valid = cams.clone();
        for (int k = 0; k < c; k++) {
            if (!present[k]) {
                java.util.Arrays.fill(valid, k * hw, (k + 1) * hw, 0f);
            }
        }
        float[] small = BilinearUpsample.resize(valid, c, h, w, ih, iw);
        float[] transition = transition(affinity, n, radiusMask(ih, iw, radius));
        int[] keys = keys(present);
        int[] low = walkAndRefine(image01, small, keys, c, transition, LOW, ih, iw, h, w, box);
        int[] high = walkAndRefine(image01, small, keys, c, transition, HIGH, ih, iw, h, w, box);
        int[] out = new int[hw];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                out[i] = box.contains(y, x) ? combine(high[i], low[i]) : IGNORE;
            }
        }
        return out;
    }

    /**
     * {@code T = Â∘M, T ← T^β (β = 2), T_ij ← T_ij / (Σ_i T_ij + 0.1)}: masked to the window, squared, columns
     * normalised with the code's +0.1 ({@code propagte_aff_cam_with_bkg}; the paper's eq. 10 has no offset),
     * applied once (n_log_iter = 0).
     */
    static float[] transition(float[] affinity, int n, boolean[] mask) {
        double[] colSum = new double[n];
        float[] t = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float a = mask[i * n + j] ? affinity[i * n + j] : 0f;
                t[i * n + j] = a * a;
                colSum[j] += t[i * n + j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[i * n + j] = (float) (t[i * n + j] / (colSum[j] + RW_OFFSET));
            }
        }
        return t;
    }

    private static int[] walkAndRefine(float[] image01, float[] small, int[] keys, int c, float[] t, float bg, int ih,
            int iw, int h, int w, Box box) {
        int n = ih * iw, k = keys.length;
        float[] planes = new float[k * n];
        java.util.Arrays.fill(planes, 0, n, bg);
        for (int i = 1; i < k; i++) {
            System.arraycopy(small, (keys[i] - 1) * n, planes, i * n, n);
        }
        float[] prob = softmaxChannels(planes, k, n);
        float[] full = new float[(c + 1) * n]; // cams_rw: zeros for absent classes
        for (int a = 0; a < k; a++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += prob[a * n + i] * t[i * n + j];
                }
                full[keys[a] * n + j] = (float) s;
            }
        }
        float[] up = BilinearUpsample.resize(full, c + 1, ih, iw, h, w);
        // refine_cams_with_cls_label: PAR on the valid box only, image at half the box size
        int bh = box.y1() - box.y0(), bw = box.x1() - box.x0(), hw = h * w;
        float[] imgBox = crop(image01, 3, h, w, box);
        float[] camBox = new float[k * bh * bw];
        for (int a = 0; a < k; a++) {
            float[] one = crop(java.util.Arrays.copyOfRange(up, keys[a] * hw, (keys[a] + 1) * hw), 1, h, w, box);
            System.arraycopy(one, 0, camBox, a * bh * bw, bh * bw);
        }
        float[] halfImg = BilinearUpsample.resize(imgBox, 3, bh, bw, bh / 2, bw / 2);
        float[] refined = BilinearUpsample.resize(Par.refine(halfImg, bh / 2, bw / 2, camBox, k, bh, bw), k, bh / 2, bw / 2,
                bh, bw);
        int[] out = new int[hw]; // outside the box: all-zero scores, argmax 0 (set to ignore by the caller)
        float[] v = new float[c + 1];
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                java.util.Arrays.fill(v, 0f);
                for (int a = 0; a < k; a++) {
                    v[keys[a]] = refined[a * bh * bw + y * bw + x];
                }
                int best = 0;
                for (int q = 1; q <= c; q++) {
                    if (v[q] > v[best]) {
                        best = q;
                    }
                }
                out[(y + box.y0()) * w + x + box.x0()] = best;
            }
        }
        return out;
    }

    /**
     * The affinity label of one image on the {@code (H/16)×(W/16)} grid ({@code cams_to_affinity_label}): the label
     * nearest-downsampled (top-left pixel of each 16×16 block), pairs 1 if equal (bg–bg included), 0 if different,
     * {@link #IGNORE} outside the radius window or where either pixel is ignore. {@code [N·N]}.
     */
    public static int[] affinityLabel(int[] label, int h, int w, int radius) {
        int gh = h / 16, gw = w / 16, n = gh * gw;
        int[] small = new int[n];
        float sy = (float) h / gh, sx = (float) w / gw;
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                int y = Math.min((int) Math.floor(i * sy), h - 1), x = Math.min((int) Math.floor(j * sx), w - 1);
                small[i * gw + j] = label[y * w + x];
            }
        }
        boolean[] mask = radiusMask(gh, gw, radius);
        int[] out = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean ignore = !mask[i * n + j] || small[i] == IGNORE || small[j] == IGNORE;
                out[i * n + j] = ignore ? IGNORE : small[i] == small[j] ? 1 : 0;
            }
        }
        return out;
    }

    /** Pairs within a square window {@code |Δrow| ≤ r, |Δcol| ≤ r} of an h×w grid ({@code get_mask_by_radius}). */
    public static boolean[] radiusMask(int h, int w, int r) {
        int n = h * w;
        boolean[] m = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i * n + j] = Math.abs(i / w - j / w) <= r && Math.abs(i % w - j % w) <= r;
            }
        }
        return m;
    }

    /** Peers.md §0.2: the high-threshold label, ignore where it is bg, bg where the low-threshold label is bg too. */
    static int combine(int high, int low) {
        if (high + low == 0) {
            return 0;
        }
        return high == 0 ? IGNORE : high;
    }

    private static int[] keys(boolean[] present) {
        int count = 1;
        for (boolean p : present) {
            count += p ? 1 : 0;
        }
        int[] keys = new int[count];
        for (int c = 0, i = 1; c < present.length; c++) {
            if (present[c]) {
                keys[i++] = c + 1;
            }
        }
        return keys;
    }

    private static float[] softmaxChannels(float[] v, int k, int n) {
        float[] out = new float[v.length];
        for (int p = 0; p < n; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, v[c * n + p]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(v[c * n + p] - max);
            }
            for (int c = 0; c < k; c++) {
                out[c * n + p] = (float) (Math.exp(v[c * n + p] - max) / sum);
            }
        }
        return out;
    }

    private static int[] argmaxKeys(float[] v, int[] keys, int n) {
        int[] out = new int[n];
        for (int p = 0; p < n; p++) {
            int best = 0;
            for (int c = 1; c < keys.length; c++) {
                if (v[c * n + p] > v[best * n + p]) {
                    best = c;
                }
            }
            out[p] = keys[best];
        }
        return out;
    }

    private static float[] crop(float[] maps, int k, int h, int w, Box b) {
        int bh = b.y1() - b.y0(), bw = b.x1() - b.x0();
        float[] out = new float[k * bh * bw];
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < bh; y++) {
                System.arraycopy(maps, c * h * w + (y + b.y0()) * w + b.x0(), out, c * bh * bw + y * bw, bw);
            }
        }
        return out;
    }
}
