package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * EVA-02's 2-D rotary position embedding as WeakTr builds it ({@code VisionRotaryEmbeddingFast}, backbones-spec
 * §3.4), computed for any patch grid gh×gw (the official table is fixed at 30×30):
 * <ul>
 *   <li>θ_j = 10000^(−2j/(hd/2)), j &lt; hd/4 (16 frequencies for head width 64);</li>
 *   <li>positions compressed into the pre-training range: t_k = k/g·16 per axis ({@code pt_seq_len} 16,
 *       {@code ft_seq_len} = that axis's grid; the official 480 crop gives g = 30 on both axes);</li>
 *   <li>cell (h, w) = token n = h·gw + w: channels 0…hd/2−1 carry the row angles t_h·θ, the rest the column
 *       angles t_w·θ, each frequency repeated for an adjacent channel pair;</li>
 *   <li>t' = t·cos + rotate_half(t)·sin with rotate_half pairing ADJACENT channels ((−t₁, t₀), (−t₃, t₂), …).</li>
 * </ul>
 * Deviation for other grids: the official code fails on any grid but 30×30; here each axis is rescaled to [0, 16)
 * like the absolute position embedding, which is bilinearly resized to the same grid (§4).
 */
public final class RotaryEmbedding {
    /** {@code pt_seq_len}, hard-coded in the official encoder. */
    public static final int PRETRAIN_GRID = 16;
    private static final double THETA = 10000;

    private RotaryEmbedding() {}

    /** cos and sin tables, each {@code [gh·gw, headDim]}. */
    public record Table(NDArray cos, NDArray sin) {}

    /** The angle table {@code [gh·gw, headDim]} in float32 arithmetic, as the official float32 buffers. */
    public static float[] angles(int gh, int gw, int headDim) {
        if (headDim % 4 != 0) {
            throw new IllegalArgumentException("rotary embedding needs a head width divisible by 4, got " + headDim);
        }
        int half = headDim / 2, bands = headDim / 4;
        float[] freq = new float[bands];
        for (int j = 0; j < bands; j++) {
            float exponent = (float) (2 * j) / half;
            freq[j] = (float) (1.0 / (float) Math.pow(THETA, exponent));
        }
        float[] out = new float[gh * gw * headDim];
        for (int h = 0; h < gh; h++) {
            float th = position(h, gh);
            for (int w = 0; w < gw; w++) {
                float tw = position(w, gw);
                int base = (h * gw + w) * headDim;
                for (int j = 0; j < bands; j++) {
                    out[base + 2 * j] = out[base + 2 * j + 1] = th * freq[j];
                    out[base + half + 2 * j] = out[base + half + 2 * j + 1] = tw * freq[j];
                }
            }
        }
        return out;
    }

    private static float position(int k, int grid) {
        return (float) k / (float) grid * PRETRAIN_GRID;
    }

    /** cos/sin of {@link #angles} on {@code manager}'s device, in {@code like}'s data type. */
    public static Table table(NDManager manager, int gh, int gw, int headDim, ai.djl.ndarray.types.DataType type) {
        float[] a = angles(gh, gw, headDim);
        float[] cos = new float[a.length], sin = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            cos[i] = (float) Math.cos(a[i]);
            sin[i] = (float) Math.sin(a[i]);
        }
        Shape s = new Shape((long) gh * gw, headDim);
        return new Table(manager.create(cos, s).toType(type, false), manager.create(sin, s).toType(type, false));
    }

    /**
     * Rotates the last {@code table rows} tokens of {@code t [B, H, N, hd]}; the leading class token(s) stay as
     * they are (§3.3: only patch tokens are rotated).
     */
    public static NDArray apply(NDArray t, Table table) {
        long[] s = t.getShape().getShape();
        long n = s[2], cells = table.cos().getShape().get(0), prefix = n - cells;
        if (prefix < 0) {
            throw new IllegalArgumentException("rotary table for " + cells + " cells but only " + n + " tokens");
        }
        NDArray patches = prefix == 0 ? t : t.get(":, :, {}:, :", prefix);
        NDArray rotated = patches.mul(table.cos()).add(rotateHalf(patches).mul(table.sin()));
        return prefix == 0 ? rotated : t.get(":, :, :{}, :", prefix).concat(rotated, 2);
    }

    /** (t0, t1, t2, t3, …) -> (−t1, t0, −t3, t2, …). */
    static NDArray rotateHalf(NDArray t) {
        long[] s = t.getShape().getShape();
        long[] pairs = java.util.Arrays.copyOf(s, s.length + 1);
        pairs[s.length - 1] = s[s.length - 1] / 2;
        pairs[s.length] = 2;
        int last = s.length; // DJL's split/concat take non-negative axes
        NDList xy = t.reshape(new Shape(pairs)).split(2, last);
        return xy.get(1).neg().concat(xy.get(0), last).reshape(t.getShape());
    }
}
