package dev.weaktr.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.io.RgbImage;
import java.util.Arrays;

/**
 * Multi-scale + flip CAM generation (spec §3.2): for each scale, the PIL-bicubic resized image and its
 * mirror go through the network; the patch-refined fused CAM (fine CAM, eq. 6) is bilinearly upsampled
 * to the image size, absent classes are zeroed, mirrored maps are flipped back, and all maps are SUMMED;
 * each present class is then min-max normalised to [0, 1].
 *
 * <p>Memory: when the 72 attention maps of an image and its mirror would exceed {@link #MATERIALISE_BYTES},
 * each variant runs alone through {@link WeakTrCamNet#forwardStreamed}, which never holds them (spec §1.6), so
 * any image size fits in memory that grows as N·(rows + depth·D), N the tokens; smaller images take the
 * batched forward, which is faster.
 *
 * <p>Deviation: maps are upsampled to the original image size even when the first scale is not 1.0
 * (the official code uses the first scale's size), so CAMs always align with the image and its mask.
 */
public final class CamInference {
    private final WeakTrCamNet net;
    private final NDManager manager;
    private final double[] scales;
    private final boolean flip;
    private final boolean patchRefine;
    private final int rowBlock;

    /** Present-class CAMs of one image. */
    public record Cams(
            int[] classes, // [K] class indices 1..C of the image's labelled classes
            float[] maps, // [K, H, W] in [0, 1]
            int height,
            int width) {}

    /**
     * @param patchRefine refine the fused CAM with the patch attention (eq. 6; official default on,
     *     {@code --patch-attn-refine}); off = the fused CAM, the inner term of eq. 6
     */
    public CamInference(WeakTrCamNet net, NDManager manager, double[] scales, boolean flip, boolean patchRefine) {
        this(net, manager, scales, flip, patchRefine, 0);
    }

    /**
     * @param rowBlock attention query rows per streamed block (0 = sized by memory); the CAMs do not depend on it
     */
    CamInference(WeakTrCamNet net, NDManager manager, double[] scales, boolean flip, boolean patchRefine, int rowBlock) {
        this.rowBlock = rowBlock;
        this.net = net;
        this.manager = manager;
        this.scales = scales.clone();
        this.flip = flip;
        this.patchRefine = patchRefine;
    }

    /**
     * @param labels [C] the image-level labels (foreground class c+1 at index c)
     */
    public Cams generate(RgbImage image, boolean[] labels) {
        int[] present = presentClasses(labels);
        int h = image.height(), w = image.width(), c = labels.length;
        float[] sum = new float[present.length * h * w];
        if (present.length == 0) {
            return new Cams(present, sum, h, w);
        }
        for (double s : scales) {
            RgbImage scaled = s == 1.0 ? image
                    : PilResize.bicubic(image, (int) Math.round(w * s), (int) Math.round(h * s));
            float[][] maps = forward(scaled); // per variant: [C, gh, gw]
            int gh = gridH, gw = gridW;
            for (int v = 0; v < maps.length; v++) {
                float[] kept = new float[present.length * gh * gw];
                for (int k = 0; k < present.length; k++) {
                    System.arraycopy(maps[v], (present[k] - 1) * gh * gw, kept, k * gh * gw, gh * gw);
                }
                float[] up = BilinearUpsample.resize(kept, present.length, gh, gw, h, w);
                accumulate(sum, up, present.length, h, w, v == 1);
            }
        }
        minMaxNormalise(sum, present.length, h * w);
        return new Cams(present, sum, h, w);
    }

    private int gridH;
    private int gridW;

    /**
     * Attention stacks up to this size are materialised (image and mirror as one batch, the faster path on
     * small images); larger ones are streamed (spec §1.6). The CAMs agree to float rounding (StreamedCamTest).
     */
    static final long MATERIALISE_BYTES = 256L << 20;

    /** Runs the image (and its mirror) and returns the (refined) CAMs as [C, gh, gw] arrays. */
    private float[][] forward(RgbImage image) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(Normalize.toChw(image), new Shape(1, 3, image.height(), image.width()));
            if (rowBlock == 0 && stackBytes(image.height(), image.width()) <= MATERIALISE_BYTES) {
                NDArray batch = flip ? NDArrays.concat(new NDList(x, x.flip(3)), 0) : x;
                WeakTrCamNet.Output out = net.forward(batch, null);
                gridH = out.gridH();
                gridW = out.gridW();
                NDArray refined = patchRefine ? out.fineCam() : out.fusedCam(); // [V, C, gh, gw]
                float[][] maps = new float[(int) refined.getShape().get(0)][];
                for (int v = 0; v < maps.length; v++) {
                    maps[v] = refined.get(v).toFloatArray();
                }
                return maps;
            }
            float[][] maps = new float[flip ? 2 : 1][];
            for (int v = 0; v < maps.length; v++) { // one image at a time, attention streamed (spec §1.6)
                try (NDScope inner = new NDScope()) {
                    inner.suppressNotUsedWarning();
                    WeakTrCamNet.Output out = net.forwardStreamed(v == 0 ? x : x.flip(3), rowBlock);
                    gridH = out.gridH();
                    gridW = out.gridW();
                    maps[v] = (patchRefine ? out.fineCam() : out.fusedCam()).toFloatArray(); // [C, gh, gw]
                }
            }
            return maps;
        }
    }

    /** Bytes of the materialised H·L attention stack (float32, N×N per map) for an image and its mirror. */
    private long stackBytes(int height, int width) {
        CamNetConfig config = net.config();
        long patch = config.backbone().patch();
        long n = config.numClasses() + (height / patch) * (width / patch);
        return (flip ? 2L : 1L) * config.backbone().heads() * config.backbone().depth() * n * n * 4L;
    }

    private static void accumulate(float[] sum, float[] maps, int k, int h, int w, boolean mirrored) {
        for (int c = 0; c < k; c++) {
            for (int y = 0; y < h; y++) {
                int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    sum[row + x] += maps[row + (mirrored ? w - 1 - x : x)];
                }
            }
        }
    }

    /** (cam − min) / (max − min + 1e-8) per class map (spec §3.2 step 5). */
    static void minMaxNormalise(float[] maps, int k, int plane) {
        for (int c = 0; c < k; c++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                lo = Math.min(lo, maps[i]);
                hi = Math.max(hi, maps[i]);
            }
            float range = hi - lo + 1e-8f;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                maps[i] = (maps[i] - lo) / range;
            }
        }
    }

    static int[] presentClasses(boolean[] labels) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i]).map(i -> i + 1).toArray();
    }

    @Override
    public String toString() {
        return "CamInference" + Arrays.toString(scales) + (flip ? "+flip" : "");
    }
}
