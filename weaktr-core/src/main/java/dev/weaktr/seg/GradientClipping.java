package dev.weaktr.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;

/**
 * WeakTr's gradient clipping loss (paper eq. 9–13, official {@code GradientClipping}, spec §4.3).
 *
 * <p>Per-pixel cross-entropy L against the CAM seeds (255 = ignore → loss 0, the pixel stays in the
 * tensor). Global mean g = mean of L over all B·H·W entries, per BATCH (official code). While g > τ
 * ("start value") nothing is clipped. Otherwise the batch-averaged loss map is split into S×S patches whose
 * means λᵢ give the threshold max(λᵢ, g) of their pixels (eq. 10–12, shared by the images of the batch as
 * in the official code); a pixel whose loss exceeds it is replaced by the constant threshold, so it passes
 * no gradient (eq. 13). The final loss is the plain mean over all B·H·W entries, ignored pixels included
 * (official {@code weight_reduce_loss}), not the mean over valid pixels.
 *
 * <p>Deviation: the official code needs H and W to be multiples of S; here border cells may be smaller and
 * their mean counts only their own pixels (PyTorch's count_include_pad=False behaviour).
 */
public final class GradientClipping {
    private final double startValue;
    private final int patch;
    private final boolean enabled;

    /** What one loss evaluation produced. */
    public record Result(
            NDArray loss, // scalar to back-propagate
            double meanLoss, // g, the unclipped mean (logged as mean_loss)
            boolean clipping, // g ≤ τ: the clip was applied
            double keptFraction, // share of valid pixels that still pass gradient (paper Fig. 5)
            double keptForeground) {} // the same share over foreground seeds only (label ∉ {0, 255}); 1 if none

    /**
     * @param startValue τ (paper/official docs 1.2)
     * @param patch S in pixels (official 120 at crop 480)
     * @param enabled false = the "naive" decoder: plain mean of L (paper Tab. 5 baseline)
     */
    public GradientClipping(double startValue, int patch, boolean enabled) {
        if (patch < 1) {
            throw new WeaktrException("--clip-patch must be at least 1 pixel, got " + patch);
        }
        this.startValue = startValue;
        this.patch = patch;
        this.enabled = enabled;
    }

    /**
     * @param logits [B, K, H, W]
     * @param labels [B·H·W] class indices, 255 = ignore
     */
    public Result apply(NDArray logits, byte[] labels) {
        long[] s = logits.getShape().getShape();
        int b = (int) s[0], k = (int) s[1], h = (int) s[2], w = (int) s[3];
        NDArray perPixel = crossEntropy(logits, labels, b, k, h, w); // [B, H, W], eq. 9
        float[] l = perPixel.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double g = mean(l);
        int valid = 0;
        for (byte v : labels) {
            valid += (v & 0xff) == 255 ? 0 : 1;
        }
        if (!enabled || g > startValue) { // eq. 13's gate τ
            return new Result(perPixel.mean(), g, false, 1.0, 1.0);
        }
        float[] lambda = gradientClipThresholds(l, b, h, w, patch, (float) g); // eq. 10-12
        int kept = 0, keptFg = 0;
        for (int i = 0; i < l.length; i++) {
            int c = labels[i] & 0xff;
            if (c != 255 && l[i] <= lambda[i]) {
                kept++;
                keptFg += c == 0 ? 0 : 1;
            }
        }
        int fg = foreground(labels);
        NDArray lam = logits.getManager().create(lambda, new Shape(b, h, w)).toType(logits.getDataType(), false);
        NDArray excess = perPixel.sub(lam);
        NDArray clipped = excess.minimum(excess.zerosLike()).add(lam); // eq. 12–13: min(L, λ), no gradient above λ (zerosLike, not 0: see Ops.scalar)
        return new Result(clipped.mean(), g, true, valid == 0 ? 1.0 : kept / (double) valid,
                fg == 0 ? 1.0 : keptFg / (double) fg);
    }

    private static int foreground(byte[] labels) {
        int n = 0;
        for (byte v : labels) {
            int c = v & 0xff;
            n += c == 0 || c == 255 ? 0 : 1;
        }
        return n;
    }

    /** Per-pixel CE with ignore → 0: −log softmax(logits)[label]. Returns [B, H, W]. */
    static NDArray crossEntropy(NDArray logits, byte[] labels, int b, int k, int h, int w) {
        float[] oneHot = new float[b * k * h * w];
        int plane = h * w;
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < plane; i++) {
                int c = labels[n * plane + i] & 0xff;
                if (c == 255) {
                    continue;
                }
                if (c >= k) {
                    throw new WeaktrException("seed label " + c + " is not a class of this model (0.." + (k - 1) + ")");
                }
                oneHot[(n * k + c) * plane + i] = 1f;
            }
        }
        NDArray t = logits.getManager().create(oneHot, new Shape(b, k, h, w)).toType(logits.getDataType(), false);
        return logits.logSoftmax(1).mul(t).sum(new int[] {1}).neg();
    }

    /**
     * The clip threshold of every pixel, {@code max(λ_cell, g)}, where λ_cell is the mean of the
     * batch-averaged loss map over the pixel's S×S cell (eq. 10–12).
     *
     * @param loss [B·H·W] detached per-pixel loss
     * @return [B·H·W]
     */
    public static float[] gradientClipThresholds(float[] loss, int b, int h, int w, int patch, float global) {
        int plane = h * w;
        double[] avg = new double[plane];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < plane; i++) {
                avg[i] += loss[n * plane + i] / (double) b;
            }
        }
        int cellsY = (h + patch - 1) / patch, cellsX = (w + patch - 1) / patch;
        double[] cellSum = new double[cellsY * cellsX];
        int[] cellCount = new int[cellsY * cellsX];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = (y / patch) * cellsX + x / patch;
                cellSum[c] += avg[y * w + x];
                cellCount[c]++;
            }
        }
        float[] out = new float[b * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = (y / patch) * cellsX + x / patch;
                float t = (float) Math.max(cellSum[c] / cellCount[c], global);
                for (int n = 0; n < b; n++) {
                    out[n * plane + y * w + x] = t;
                }
            }
        }
        return out;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }
}
