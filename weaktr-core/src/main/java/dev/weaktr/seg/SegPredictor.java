package dev.weaktr.seg;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.BilinearUpsample;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.DenseCrf;
import dev.weaktr.crf.MeanField;
import dev.weaktr.data.Augmentation;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Segments images with a trained run (spec §4.5): each scale of the keep-ratio base size (and its mirror)
 * is labelled by sliding windows of the training crop (stride ⅔ of it; images whose short side is below the
 * window are first enlarged to it), overlapping logits are averaged, resized to the image, flipped back,
 * softmaxed and averaged over variants. The official test-time "multi" decoder is kept: the score is
 * {@code layerWeight·P(block 1) + P(block 2)} ({@code layerWeight} 0.8; 0 = last block only).
 * An optional dense CRF refines the argmax over the classes it contains.
 *
 * <p>Use from Java: {@code try (SegPredictor p = SegPredictor.open(run, Device.cpu(), settings)) { p.predict(img); }}
 */
public final class SegPredictor implements AutoCloseable {
    private final SegRun manifest;
    private final NDManager manager;
    private final Segmenter model;
    private final Settings settings;
    private final MeanField crfWorker = new MeanField();
    private boolean ownsManager = true;

    /**
     * Inference settings; {@code maxMemory}: bytes of working memory one forward pass of sliding windows may use
     * (as many windows go through the model at once as fit, at least one; 0 = {@link #defaultMaxMemory()}; the
     * result does not depend on it); {@code checkpoint} "last" (the official docs test {@code checkpoint.pth}),
     * "best" (retrain's validation kept {@code checkpoint-best.safetensors}) or null (best when present).
     */
    public record Settings(double[] scales, boolean flip, double layerWeight, Optional<CrfConfig> crf, long maxMemory,
            String checkpoint) {
        public Settings(double[] scales, boolean flip, double layerWeight, Optional<CrfConfig> crf) {
            this(scales, flip, layerWeight, crf, 0);
        }

        public Settings(double[] scales, boolean flip, double layerWeight, Optional<CrfConfig> crf, long maxMemory) {
            this(scales, flip, layerWeight, crf, maxMemory, "last");
        }

        public static Settings singleScale() {
            return new Settings(new double[] {1.0}, false, 0.8, Optional.empty());
        }
    }

    /**
     * The scores averaged over the scale/flip variants, {@code layerWeight·P(block 1) + P(block 2)} per
     * pixel (so each pixel sums to 1 + layerWeight, as the official {@code --predict-dir} maps), [K, H, W];
     * and the final labels [H·W].
     */
    public record Prediction(float[] scores, int numClasses, LabelPng.LabelMap labels) {}

    private SegPredictor(SegRun manifest, NDManager manager, Segmenter model, Settings settings) {
        this.manifest = manifest;
        this.manager = manager;
        this.model = model;
        this.settings = settings;
    }

    public static SegPredictor open(Path run, Device device, Settings settings) {
        return open(run, device, settings, settings.checkpoint());
    }

    /** @param checkpoint "last", "best" (checkpoint-best.safetensors of retrain's validation), or null: best if present */
    public static SegPredictor open(Path run, Device device, Settings settings, String checkpoint) {
        SegRun manifest = SegRun.read(run);
        Path weights = dev.weaktr.train.BestCheckpoint.choose(run, checkpoint);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
            Segmenter model = new Segmenter(params, manifest.net());
            Checkpoint.load(weights, params, null);
            return new SegPredictor(manifest, manager, model, settings);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A predictor over a model being trained (validation); closing it leaves {@code manager} open. */
    static SegPredictor of(SegRun manifest, NDManager manager, Segmenter model, Settings settings) {
        SegPredictor p = new SegPredictor(manifest, manager, model, settings);
        p.ownsManager = false;
        return p;
    }

    /**
     * A predictor sharing this one's model and weights (loaded once) with its own CRF workspace, for another
     * thread: predictions run concurrently on one model. Closing it leaves the model open.
     */
    public SegPredictor fork() {
        return of(manifest, manager, model, settings);
    }

    public SegRun run() {
        return manifest;
    }

    public List<String> classes() {
        return manifest.classes();
    }

    /** Segments a {@link BufferedImage} of any size. */
    public Prediction predict(BufferedImage image) {
        return predict(ImageFiles.fromBufferedImage(image));
    }

    public Prediction predict(RgbImage image) {
        int k = manifest.net().numClasses(), h = image.height(), w = image.width();
        float[] total = new float[k * h * w];
        int base = manifest.train().augment().baseSize();
        int variants = 0;
        for (double s : settings.scales()) {
            double f = base * s / Math.min(w, h);
            RgbImage scaled = PilResize.bilinear(image, Math.max(1, (int) Math.round(w * f)), Math.max(1, (int) Math.round(h * f)));
            addVariant(total, scaled, false, h, w);
            variants++;
            if (settings.flip()) {
                addVariant(total, Augmentation.flipHorizontal(scaled), true, h, w);
                variants++;
            }
        }
        // official model/utils.py `inference`: seg_map1 /= len(ims), seg_map2 /= len(ims) — a mean over variants
        for (int i = 0; i < total.length; i++) {
            total[i] /= variants;
        }
        LabelPng.LabelMap labels = new LabelPng.LabelMap(DenseCrf.argmax(total, k, h * w), w, h);
        if (settings.crf().isPresent()) {
            labels = refine(crfWorker, image, total, k, settings.crf().get());
        }
        return new Prediction(total, k, labels);
    }

    /**
     * CRF over the classes present in the argmax (spec §4.5). The unary is pydensecrf's
     * {@code unary_from_softmax} of the variant-averaged scores, −log(clip(S, 1e-5, 1)), exactly as the official
     * {@code eval/make_crf.py} builds it from the {@code --predict-dir} maps; S = w·P1 + P2 may exceed 1 and is
     * then clipped (official quirk, followed).
     *
     * @param scores averaged scores [K, H, W]
     */
    static LabelPng.LabelMap refine(MeanField worker, RgbImage image, float[] scores, int k, CrfConfig crf) {
        int n = image.width() * image.height();
        byte[] argmax = DenseCrf.argmax(scores, k, n);
        boolean[] present = new boolean[k];
        for (byte b : argmax) {
            present[b & 0xff] = true;
        }
        int[] keys = java.util.stream.IntStream.range(0, k).filter(c -> present[c]).toArray();
        byte[] refined = DenseCrf.refineChannels(worker, image, scores, k, keys, crf);
        return new LabelPng.LabelMap(refined, image.width(), image.height());
    }

    /** Output rows resized and softmaxed at a time, so no second [K, H, W] buffer exists for a large image. */
    private static final int BAND_ROWS = 64;

    /** Adds softmax(layer 2) + w·softmax(layer 1) of one scale/flip variant, resized to h×w, to {@code total}. */
    private void addVariant(float[] total, RgbImage image, boolean mirrored, int h, int w) {
        int k = manifest.net().numClasses();
        boolean multi = settings.layerWeight() > 0;
        float[][] logits = slidingWindow(image, multi); // per layer [K, ih, iw]
        for (int layer = 0; layer < logits.length; layer++) {
            float weight = multi && layer == 0 ? (float) settings.layerWeight() : 1f;
            for (int from = 0; from < h; from += BAND_ROWS) {
                int rows = Math.min(BAND_ROWS, h - from);
                float[] up = BilinearUpsample.resizeRows(logits[layer], k, image.height(), image.width(), h, w, from, from + rows);
                softmaxInPlace(up, k, rows * w);
                for (int c = 0; c < k; c++) {
                    for (int y = 0; y < rows; y++) {
                        int src = (c * rows + y) * w, dst = (c * h + from + y) * w;
                        for (int x = 0; x < w; x++) {
                            total[dst + x] += weight * up[src + (mirrored ? w - 1 - x : x)];
                        }
                    }
                }
            }
        }
    }

    /**
     * The default budget of {@link Settings#maxMemory}: 1 GiB, or an eighth of the machine's physical memory when
     * that is less.
     */
    public static long defaultMaxMemory() {
        long physical = 0;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return physical > 0 ? Math.min(1L << 30, physical / 8) : 1L << 30;
    }

    /**
     * Windows of wh×ww per forward pass within {@code budget} bytes (at least one): the working set of one window
     * is estimated from the encoder's largest step (scores, softmax and its scaled copy, [H, N, N] each; the
     * MLP's and q/k/v's [N, ·] tensors) and the decoder's upsampled masks ([K, wh, ww] per mask set, three copies),
     * float32, with a 1.5 safety factor.
     */
    static int windowsPerBatch(long budget, SegmenterConfig net, int wh, int ww, boolean multi) {
        int patch = net.encoder().patch();
        long n = 1 + (long) ((wh + patch - 1) / patch) * ((ww + patch - 1) / patch);
        long d = net.encoder().dim(), heads = net.encoder().heads(), masks = multi ? net.decoderLayers() : 1;
        long floats = 3 * heads * n * n + 18 * n * d + 3 * masks * net.numClasses() * (long) wh * ww + 3L * wh * ww;
        long bytes = floats * 4 * 3 / 2;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / bytes));
    }

    /** With the statistics recorded in run.json (the encoder's, backbones-spec §5); ImageNet for older runs. */
    private float[] normalize(RgbImage img) {
        return manifest.mean() == null ? Normalize.toChw(img) : Normalize.toChw(img, manifest.mean(), manifest.std());
    }

    /** Averaged logits of overlapping windows, per decoder layer used: [layers][K, H, W] at the image's size. */
    private float[][] slidingWindow(RgbImage image, boolean multi) {
        int window = manifest.train().augment().crop(), stride = Math.max(1, (int) Math.round(window * 2 / 3.0));
        int w0 = image.width(), h0 = image.height();
        RgbImage img = image;
        if (Math.min(w0, h0) < window) { // enlarge so the short side fills a window (official), then shrink back
            double f = window / (double) Math.min(w0, h0);
            img = PilResize.bilinear(image, Math.max(window, (int) Math.round(w0 * f)), Math.max(window, (int) Math.round(h0 * f)));
        }
        int k = manifest.net().numClasses(), h = img.height(), w = img.width();
        int layers = multi ? manifest.net().decoderLayers() : 1;
        float[][] sum = new float[layers][k * h * w];
        int[] count = new int[h * w];
        float[] chw = normalize(img);
        int wh = Math.min(window, h), ww = Math.min(window, w);
        List<int[]> origins = new java.util.ArrayList<>();
        for (int y0 : anchors(h, window, stride)) {
            for (int x0 : anchors(w, window, stride)) {
                origins.add(new int[] {y0, x0});
            }
        }
        int plane = k * wh * ww;
        long budget = settings.maxMemory() > 0 ? settings.maxMemory() : defaultMaxMemory();
        int batch = windowsPerBatch(budget, manifest.net(), wh, ww, multi);
        for (int from = 0; from < origins.size(); from += batch) {
            List<int[]> chunk = origins.subList(from, Math.min(origins.size(), from + batch));
            float[][] out = forwardWindows(chw, h, w, chunk, wh, ww, multi); // per mask set: [n, K, wh, ww]
            for (int n = 0; n < chunk.size(); n++) {
                int y0 = chunk.get(n)[0], x0 = chunk.get(n)[1];
                for (int l = 0; l < layers; l++) {
                    float[] src = out[multi ? l : out.length - 1];
                    for (int c = 0; c < k; c++) {
                        for (int y = 0; y < wh; y++) {
                            int row = n * plane + (c * wh + y) * ww;
                            int dst = (c * h + y0 + y) * w + x0;
                            for (int x = 0; x < ww; x++) {
                                sum[l][dst + x] += src[row + x];
                            }
                        }
                    }
                }
                for (int y = 0; y < wh; y++) {
                    for (int x = 0; x < ww; x++) {
                        count[(y0 + y) * w + x0 + x]++;
                    }
                }
            }
        }
        for (float[] s : sum) {
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < h * w; i++) {
                    s[c * h * w + i] /= count[i];
                }
            }
        }
        if (img == image) {
            return sum;
        }
        float[][] back = new float[layers][];
        for (int l = 0; l < layers; l++) {
            back[l] = BilinearUpsample.resize(sum[l], k, h, w, h0, w0);
        }
        return back;
    }

    /** Window origins 0, stride, 2·stride, … while below size − window, plus size − window (official). */
    static int[] anchors(int size, int window, int stride) {
        if (size <= window) {
            return new int[] {0};
        }
        java.util.List<Integer> a = new java.util.ArrayList<>();
        for (int p = 0; p < size - window; p += stride) {
            a.add(p);
        }
        a.add(size - window);
        return a.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The logits of several equally sized windows run as one batch: per mask set, [n, K, wh, ww]. */
    private float[][] forwardWindows(float[] chw, int h, int w, List<int[]> origins, int wh, int ww, boolean multi) {
        int n = origins.size();
        float[] crops = new float[n * 3 * wh * ww];
        for (int i = 0; i < n; i++) {
            int y0 = origins.get(i)[0], x0 = origins.get(i)[1];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < wh; y++) {
                    System.arraycopy(chw, (c * h + y0 + y) * w + x0, crops, ((i * 3 + c) * wh + y) * ww, ww);
                }
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(crops, new Shape(n, 3, wh, ww));
            List<NDArray> masks = model.forward(x, null, multi);
            float[][] out = new float[masks.size()][];
            for (int i = 0; i < masks.size(); i++) {
                out[i] = masks.get(i).toFloatArray();
            }
            return out;
        }
    }

    private static void softmaxInPlace(float[] v, int k, int n) {
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, v[c * n + i]);
            }
            float sum = 0;
            for (int c = 0; c < k; c++) {
                float e = (float) Math.exp(v[c * n + i] - max);
                v[c * n + i] = e;
                sum += e;
            }
            for (int c = 0; c < k; c++) {
                v[c * n + i] /= sum;
            }
        }
    }

    @Override
    public void close() {
        if (ownsManager) {
            manager.close();
        }
    }
}
