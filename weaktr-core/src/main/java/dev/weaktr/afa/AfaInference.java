package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.BilinearResize;
import java.util.Optional;

/**
 * A trained AFA network applied to whole images, no gradient, eval mode: the CAM that {@code cams} writes, the
 * pseudo label that {@code pseudo} writes (AFA's own label: CAM → affinity random walk → PAR), and the
 * segmentation that {@code segment}/{@code predict} write (the official {@code scripts/test_msc_flip.py}).
 */
public final class AfaInference {
    /** The CAM scales of the official validation ({@code configs/voc_attn_reg.yaml} {@code cam.scales}). */
    public static final double[] CAM_SCALES = {1.0, 0.5, 1.5};
    /** The random-walk window radius ({@code dist_train_voc.py --radius}, default 8). */
    public static final int RADIUS = 8;
    /**
     * Largest N = stage-4 cells of the 1.5× pass that {@link #pseudoLabel} takes on: the pass holds the image's and its
     * mirror's N×N attention logits (8 heads, 2 blocks: 128·N² bytes, 2 GiB at N = 4096, about a 680×680 image) and the
     * walk an N×N transition matrix.
     */
    static final long MAX_WALK_CELLS = 4096;

    private final AfaNet net;
    private final NDManager manager;

    /**
     * The segmentation settings of {@code test_msc_flip.py}.
     *
     * @param scales test scales, official {@code [1, 0.5, 0.75]}; 1.0 first fixes the logits' size
     * @param resizeLong the long side every image is resized to first ({@code --resize_long}, 512); 0 keeps the size
     * @param flip add the mirrored image (the official code always does)
     * @param crf the dense CRF on the softmaxed logits ({@code crf_proc}: {@link CrfConfig#AFA}), or empty
     */
    public record Settings(double[] scales, int resizeLong, boolean flip, Optional<CrfConfig> crf) {
        public static Settings official(Optional<CrfConfig> crf) {
            return new Settings(new double[] {1.0, 0.5, 0.75}, 512, true, crf);
        }

        public Settings {
            if (scales.length == 0) {
                throw new WeaktrException("--scales: give at least one scale");
            }
            for (double s : scales) {
                if (!(s > 0 && s <= 8)) {
                    throw new WeaktrException("--scales: each scale must be in (0, 8], got " + s);
                }
            }
            if (resizeLong < 0) {
                throw new WeaktrException("--resize-long must be >= 0 (0 keeps the image size)");
            }
        }
    }

    /** A segmentation: the multi-scale logits {@code [K, h, w]} at stride 4 of the resized image, and the mask. */
    public record Segmentation(float[] logits, int numClasses, int logitHeight, int logitWidth, LabelPng.LabelMap labels) {}

    public AfaInference(AfaNet net, NDManager manager) {
        this.net = net;
        this.manager = manager;
    }

    public AfaNet net() {
        return net;
    }

    /** The image as the official loader gives it: {@code normalize_img}, {@code [1, 3, H, W]}. */
    private NDArray input(RgbImage image) {
        int h = image.height(), w = image.width();
        return manager.create(AfaCrop.normalise(image.rgb(), h * w), new Shape(1, 3, h, w));
    }

    /**
     * The multi-scale + flip CAM at the image's size ({@code multi_scale_cam}, as the official {@code validate}
     * computes it on whole validation images): {@code [C, H, W]} in [0, 1], every class.
     */
    public float[] cam(RgbImage image, double[] scales) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return AfaCam.multiScale(net, input(image), scales, null).cam().toFloatArray();
        }
    }

    /**
     * AFA's pseudo label of a whole image with its image-level labels: the CAM ({@link #CAM_SCALES}) propagated by
     * the affinity Â of the 1.5× pass within radius 8, refined by PAR, combined from the 0.55 and 0.35 background
     * scores ({@link AfaLabels#randomWalkLabel}; the training code's label after the switch iteration, with the whole
     * image as the valid box). {@code [H·W]}, 0 = background, {@link AfaLabels#IGNORE} where the two disagree.
     */
    public int[] pseudoLabel(RgbImage image, boolean[] present) {
        int h = image.height(), w = image.width();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // the stage-4 grid of the 1.5x pass: patch embeddings 7x7/4 then 3x3/2, 3x3/2, 3x3/1, each ceil(n / stride)
            int gh = ceilDiv(ceilDiv(ceilDiv((int) (1.5 * h), 4), 2), 2), gw = ceilDiv(ceilDiv(ceilDiv((int) (1.5 * w), 4), 2), 2);
            if ((long) gh * gw > MAX_WALK_CELLS) {
                throw new WeaktrException("an image of " + w + "x" + h + " gives a " + gw + "x" + gh + " affinity grid at 1.5x,"
                        + " too large for AFA's N x N attention and random walk (at most " + MAX_WALK_CELLS + " cells, about"
                        + " 680x680 pixels); resize the dataset's images");
            }
            NDArray x = input(image);
            AfaCam.Result r = AfaCam.multiScale(net, x, CAM_SCALES, null);
            if (r.gridH() != gh || r.gridW() != gw) {
                throw new IllegalStateException("stage-4 grid " + r.gridH() + "x" + r.gridW() + ", expected " + gh + "x" + gw);
            }
            float[] image01 = AfaLabels.image01(x.toFloatArray(), h, w);
            return AfaLabels.randomWalkLabel(image01, r.cam().toFloatArray(), present, r.affinity().toFloatArray(),
                    r.gridH(), r.gridW(), RADIUS, h, w, new AfaLabels.Box(0, h, 0, w));
        }
    }

    /**
     * The official multi-scale + flip segmentation ({@code test_msc_flip.py validate}): the image resized so its long
     * side is {@code resizeLong} ({@code int(h·ratio)}, bilinear); for each scale the image and its mirror, the
     * mirror's logits flipped back and the two <b>averaged</b>; scale 1.0 at its own size, the others resized with
     * {@code scale_factor} (PyTorch steps their source pixels by 1/s, see {@link BilinearResize#resizeByFactor}) and
     * their logits resized to scale 1.0's; the scales merged by element-wise <b>max</b> ({@code torch.max(stack)});
     * then bilinear to the image's size and argmax, or, with a CRF, softmax and the dense CRF on the image
     * ({@code crf_proc}).
     */
    public Segmentation segment(RgbImage image, Settings s) {
        int h = image.height(), w = image.width();
        float[] logits;
        int k, lh, lw;
        float[] full;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = input(image);
            if (s.resizeLong() > 0) {
                double ratio = s.resizeLong() / (double) Math.max(h, w);
                x = BilinearResize.resize(x, (int) (h * ratio), (int) (w * ratio));
            }
            NDArray merged = null;
            int th = -1, tw = -1;
            // the official loop: scale 1.0 first (its logits fix the size), then every other scale in order
            double[] order = firstOne(s.scales());
            for (double sc : order) {
                NDArray seg;
                try (NDScope one = new NDScope()) { // this scale's activations are freed before the next
                    NDArray xi = sc == 1.0 ? x : BilinearResize.resizeByFactor(x, sc);
                    seg = averagedFlip(xi, s.flip());
                    NDScope.unregister(seg);
                }
                NDScope.register(seg);
                if (th < 0) {
                    th = (int) seg.getShape().get(1);
                    tw = (int) seg.getShape().get(2);
                } else {
                    seg = BilinearResize.resize(seg, th, tw);
                }
                merged = merged == null ? seg : NDArrays.maximum(merged, seg);
            }
            k = (int) merged.getShape().get(0);
            lh = th;
            lw = tw;
            logits = merged.toFloatArray();
            NDArray up = BilinearResize.resize(merged, h, w);
            full = s.crf().isPresent() ? up.softmax(0).toFloatArray() : up.toFloatArray();
        }
        byte[] labels;
        if (s.crf().isPresent()) {
            labels = argmax(DenseCrf.refine(image, full, k, s.crf().get()), k, h * w);
        } else {
            labels = argmax(full, k, h * w);
        }
        return new Segmentation(logits, k, lh, lw, new LabelPng.LabelMap(labels, w, h));
    }

    /** {@code (seg(x) + flip(seg(flip(x)))) / 2}, {@code [K, h, w]}; seg(x) alone without flip. */
    private NDArray averagedFlip(NDArray x, boolean flip) {
        if (!flip) {
            return net.forward(x, null).seg().get(0);
        }
        NDArray seg = net.forward(NDArrays.concat(new NDList(x, x.flip(3)), 0), null).seg();
        return seg.get(0).add(seg.get(1).flip(2)).div(2);
    }

    /** The scales with 1.0 first (the official code always runs 1.0 first and skips it in the loop). */
    private static double[] firstOne(double[] scales) {
        double[] out = new double[scales.length + 1];
        out[0] = 1.0;
        int n = 1;
        for (double s : scales) {
            if (s != 1.0) {
                out[n++] = s;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static byte[] argmax(float[] scores, int k, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (scores[c * n + i] > scores[best * n + i]) {
                    best = c;
                }
            }
            out[i] = (byte) best;
        }
        return out;
    }
}
