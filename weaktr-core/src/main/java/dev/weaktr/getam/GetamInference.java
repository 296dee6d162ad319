package dev.weaktr.getam;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.BilinearUpsample;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import java.util.Optional;

/**
 * A trained GETAM network at inference, on whole images (one at a time): the GETAM map ({@link #cam}), the completed
 * pseudo label ({@link #pseudoLabel}) and the segmentation ({@link #segment}).
 *
 * <p>The official code has no CAM-inference script (its maps exist only inside training, on 256-pixel crops). Here the
 * map of {@link GetamMap} (the code's form, peers.md §3.2) is taken on each of {@code test.py}'s square inputs
 * ({@link GetamPredictor#SIZES} 256, 320, 480, the image resized without keeping its aspect, as
 * {@link GetamPredictor}), its patch grid upsampled bilinearly (align_corners True, as {@code train_from_init.py}) to
 * the image, the sizes summed and each class max-normalised as the training loop does, {@code M / (max M + 1e-5)}.
 */
public final class GetamInference {
    private final GetamNet net;
    private final NDManager manager;

    public GetamInference(GetamNet net, NDManager manager) {
        this.net = net;
        this.manager = manager;
    }

    public GetamNet net() {
        return net;
    }

    /** Segmentation settings: the square sides (official 256, 320, 480) and the optional dense CRF ({@code getam}). */
    public record Settings(int[] sizes, Optional<CrfConfig> crf) {
        public static Settings official(Optional<CrfConfig> crf) {
            return new Settings(GetamPredictor.SIZES.clone(), crf);
        }
    }

    /**
     * The multi-size GETAM map of the image's present classes.
     *
     * @param present [C] the image's classes (absent classes stay zero: no backward is run for them)
     * @param sizes square input sides, multiples of 32
     * @return [C, H, W] row-major, each present class max-normalised to [0, 1)
     */
    public float[] cam(RgbImage image, boolean[] present, int[] sizes) {
        int c = net.config().numClasses(), h = image.height(), w = image.width(), n = h * w;
        float[] sum = new float[c * n];
        boolean any = false;
        for (boolean p : present) {
            any |= p;
        }
        if (!any) {
            return sum;
        }
        int start = GetamMap.startLayer(net.config().backbone());
        for (int s : sizes) {
            float[] x = normalised(GetamPredictor.resizeSquare(image, s), s);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                GetamMap.Result r = GetamMap.compute(net, manager.create(x, new Shape(1, 3, s, s)),
                        new boolean[][] {present}, start, null);
                for (int k = 0; k < c; k++) {
                    if (!present[k]) {
                        continue;
                    }
                    float[] up = BilinearUpsample.resizeAlignCorners(r.raw()[0][k], 1, r.gridH(), r.gridW(), h, w);
                    for (int i = 0; i < n; i++) {
                        sum[k * n + i] += up[i];
                    }
                }
            }
        }
        return LabelCompletion.maxNormalise(sum, c, n);
    }

    /**
     * GETAM's completed label of a whole image (peers.md §3.3, as the training loop builds it on its crops): the
     * {@link #cam} of the present classes refined by PAMR with the 0–255 image, max-normalised, then
     * {@link LabelCompletion} (bg = (1 − max)^32, saliency-constrained masking, 90th-percentile mining, 10×10 opening).
     *
     * @param saliency [H·W] the image's saliency map (0–255; {@code > 0} = salient), or null for the image-level-only
     *     form (every pixel salient)
     * @return [H·W] 0 background, 1..C, 255 ignore
     */
    public int[] pseudoLabel(RgbImage image, boolean[] present, float[] saliency, int[] sizes, Pamr pamr) {
        int c = present.length, h = image.height(), w = image.width(), n = h * w;
        float[] maps = cam(image, present, sizes);
        int[] keys = java.util.stream.IntStream.range(0, c).filter(k -> present[k]).toArray();
        float[] normCam = new float[c * n];
        if (keys.length > 0) {
            float[] stacked = new float[keys.length * n]; // PAMR is per channel: the absent classes' zeros stay zero
            for (int j = 0; j < keys.length; j++) {
                System.arraycopy(maps, keys[j] * n, stacked, j * n, n);
            }
            float[] refined = LabelCompletion.maxNormalise(pamr.refine(planes(image), 3, h, w, stacked, keys.length, h, w),
                    keys.length, n);
            for (int j = 0; j < keys.length; j++) {
                System.arraycopy(refined, j * n, normCam, keys[j] * n, n);
            }
        }
        boolean[] salient = null;
        if (saliency != null) {
            salient = new boolean[n];
            for (int i = 0; i < n; i++) {
                salient[i] = saliency[i] > 0;
            }
        }
        return LabelCompletion.complete(normCam, present, salient, h, w, LabelCompletion.CUT_THRESHOLD).label();
    }

    /**
     * The official multi-size segmentation ({@code test.py}): {@link GetamPredictor#logits} averaged over the sizes,
     * then argmax, or softmax and the dense CRF on the image ({@code --crf getam}: {@code crf_inference_inf}, 20
     * iterations over all K labels).
     *
     * @return the labels and the averaged logits [K, H, W]
     */
    public Segmentation segment(RgbImage image, Settings s) {
        int h = image.height(), w = image.width(), n = h * w, k = net.config().numClasses() + 1;
        float[] logits = GetamPredictor.logits(net, image, s.sizes(), manager);
        float[] scores = logits;
        if (s.crf().isPresent()) {
            scores = DenseCrf.refine(image, softmax(logits, k, n), k, s.crf().get());
        }
        return new Segmentation(logits, k, new LabelPng.LabelMap(DenseCrf.argmax(scores, k, n), w, h));
    }

    /** @param logits [K, H, W] the size-averaged logits */
    public record Segmentation(float[] logits, int classes, LabelPng.LabelMap labels) {}

    /** The image as planar 0–255 floats [3, H, W] (PAMR's {@code ori_images}). */
    static float[] planes(RgbImage image) {
        int n = image.height() * image.width();
        float[] out = new float[3 * n];
        byte[] rgb = image.rgb();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c * n + i] = rgb[i * 3 + c] & 0xff;
            }
        }
        return out;
    }

    private static float[] normalised(float[] resized, int s) {
        float[] x = resized.clone();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < s * s; i++) {
                x[c * s * s + i] = (float) ((x[c * s * s + i] / 255.0 - GetamCrop.MEAN[c]) / GetamCrop.STD[c]);
            }
        }
        return x;
    }

    private static float[] softmax(float[] logits, int k, int n) {
        float[] p = new float[logits.length];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, logits[c * n + i]);
            }
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[c * n + i] - max);
            }
            for (int c = 0; c < k; c++) {
                p[c * n + i] = (float) (Math.exp(logits[c * n + i] - max) / sum);
            }
        }
        return p;
    }
}
