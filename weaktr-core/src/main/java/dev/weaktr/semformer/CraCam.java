package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.BilinearUpsample;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Ops;
import java.util.List;

/**
 * SemFormer's CAM with class-relative attention (CRA; paper §3.3; peers.md §4.3; inference_semformer.py):
 *
 * <ul>
 *   <li>CRA = Σ over the last L (4) blocks of the head-mean attention from the K class tokens to the N patches,
 *       min-max normalised per class over the patches ({@code (a − min) / (max − min + 1e-5)});
 *   <li>CAM_k = ReLU(mask logits_k) · CRA_k; the background map is dropped, then ReLU.
 *   <li>Multi-scale: the image is resized with PIL bicubic to each scale (0.5, 1.0, 1.5, 2.0), each side
 *       {@code round(side·s)} (Python's half-to-even) rounded <em>up</em> to a multiple of 16; the image and its
 *       flip go through the network; the CAMs (the flip's flipped back) are resized bilinearly (align_corners
 *       False) to the stride-4 size {@code ((H−1)/4+1, (W−1)/4+1)} and to the stride-16 "up" size
 *       {@code 16·((H−1)/16+1)}, summed; the high-resolution sum is then <em>cropped</em> (not resized) to H×W
 *       (official quirk: a slight right/bottom misalignment); each class is max-normed ({@code /(max + 1e-5)}).
 * </ul>
 */
public final class CraCam {
    /** The official inference scales. */
    public static final double[] SCALES = {0.5, 1.0, 1.5, 2.0};
    /** The official number of CRA layers ({@code --cra_layers 4}). */
    public static final int LAYERS = 4;

    private CraCam() {}

    /**
     * The network part of the official {@code get_cam}.
     *
     * @param out an inference forward of the segmentor
     * @param layers how many of the last blocks' attention to sum (all blocks when more than the depth)
     * @return [B, K − 1, h, w], the foreground CAMs on the patch grid
     */
    public static NDArray fromOutput(SemFormerNet.Output out, int layers) {
        NDArray logits = out.logits();
        long b = logits.getShape().get(0), k = logits.getShape().get(1);
        long h = logits.getShape().get(2), w = logits.getShape().get(3);
        List<NDArray> attention = out.attention();
        NDArray cra = null;
        for (int l = Math.max(0, attention.size() - layers); l < attention.size(); l++) {
            NDArray a = attention.get(l).get(new NDIndex(":, :, :{}, {}:", k, k)).mean(new int[] {1}); // [B, K, N]
            cra = cra == null ? a : cra.add(a);
        }
        NDArray min = cra.min(new int[] {2}, true), max = cra.max(new int[] {2}, true);
        cra = cra.sub(min).div(max.sub(min).add(Ops.scalar(cra, 1e-5))).reshape(b, k, h, w);
        NDArray cam = logits.getNDArrayInternal().relu().mul(cra);
        return cam.get(new NDIndex(":, 1:")).getNDArrayInternal().relu();
    }

    /**
     * Multi-scale CRA CAMs of one image, every foreground class (the caller keeps the present ones).
     *
     * @param strided [C, (H−1)/4+1, (W−1)/4+1] max-normed, for the random walk
     * @param highRes [C, H, W] max-normed
     */
    public record Maps(int classes, int strideH, int strideW, float[] strided, int height, int width, float[] highRes) {}

    /**
     * @param image the RGB image at its own size
     * @param scales image scales (official: {@link #SCALES})
     * @param layers CRA layers (official: {@link #LAYERS})
     */
    public static Maps infer(SemFormerNet net, RgbImage image, double[] scales, int layers) {
        int hh = image.height(), ww = image.width(), patch = net.config().backbone().patch();
        int c = net.config().classes() - 1;
        int sh = (hh - 1) / 4 + 1, sw = (ww - 1) / 4 + 1;
        int uh = ((hh - 1) / 16 + 1) * 16, uw = ((ww - 1) / 16 + 1) * 16;
        float[] strided = new float[c * sh * sw];
        float[] up = new float[c * uh * uw];
        for (double s : scales) {
            int nw = roundUp((int) Math.rint(ww * s), patch), nh = roundUp((int) Math.rint(hh * s), patch);
            RgbImage scaled = PilResize.bicubic(image, nw, nh);
            float[] chw = Normalize.toChw(scaled);
            float[] both = new float[2 * chw.length];
            System.arraycopy(chw, 0, both, 0, chw.length);
            flipInto(chw, 3, nh, nw, both, chw.length);
            float[] cams = new float[0];
            long gh = 0, gw = 0;
            // the image and its flip one at a time: a forward holds every block's attention, at scale 2.0 of a 448-px
            // image (56×56 patches) 12 × [heads, 3157, 3157] floats per image (the official code runs both as a batch)
            for (int f = 0; f < 2; f++) {
                // the scope also frees what the forward allocates on the parameters' manager (position-grid resizes)
                try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu()); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = m.create(java.util.Arrays.copyOfRange(both, f * chw.length, (f + 1) * chw.length),
                            new Shape(1, 3, nh, nw));
                    NDArray cam = fromOutput(net.forward(x, null), layers); // [1, C, gh, gw]
                    gh = cam.getShape().get(2);
                    gw = cam.getShape().get(3);
                    float[] one = cam.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    if (f == 0) {
                        cams = new float[2 * one.length];
                    }
                    System.arraycopy(one, 0, cams, f * one.length, one.length);
                }
            }
            int n = (int) (c * gh * gw);
            float[] plain = java.util.Arrays.copyOfRange(cams, 0, n);
            float[] flipped = new float[n];
            flipInto(java.util.Arrays.copyOfRange(cams, n, 2 * n), c, (int) gh, (int) gw, flipped, 0);
            for (float[] one : new float[][] {plain, flipped}) {
                add(strided, BilinearUpsample.resize(one, c, (int) gh, (int) gw, sh, sw));
                add(up, BilinearUpsample.resize(one, c, (int) gh, (int) gw, uh, uw));
            }
        }
        float[] high = new float[c * hh * ww];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < hh; y++) {
                System.arraycopy(up, (k * uh + y) * uw, high, (k * hh + y) * ww, ww);
            }
        }
        maxNorm(strided, c);
        maxNorm(high, c);
        return new Maps(c, sh, sw, strided, hh, ww, high);
    }

    private static int roundUp(int v, int m) {
        return (int) Math.ceil(v / (double) m) * m;
    }

    /** Horizontal flip of [k, h, w] maps into {@code out} from {@code offset}. */
    private static void flipInto(float[] src, int k, int h, int w, float[] out, int offset) {
        for (int p = 0; p < k * h; p++) {
            for (int x = 0; x < w; x++) {
                out[offset + p * w + x] = src[p * w + (w - 1 - x)];
            }
        }
    }

    private static void add(float[] acc, float[] v) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += v[i];
        }
    }

    /** Each class map divided by (its max + 1e-5) (F.adaptive_max_pool2d of the official code). */
    private static void maxNorm(float[] maps, int c) {
        int n = maps.length / c;
        for (int k = 0; k < c; k++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, maps[k * n + i]);
            }
            float d = max + 1e-5f;
            for (int i = 0; i < n; i++) {
                maps[k * n + i] /= d;
            }
        }
    }
}
