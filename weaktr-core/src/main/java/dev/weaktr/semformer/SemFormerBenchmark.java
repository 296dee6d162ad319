package dev.weaktr.semformer;

import ai.djl.Device;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code weaktr bench --semformer MODEL}: the median full training step of each stage (augmentation, forward, losses,
 * backward, update; the segmentor's step includes the frozen CAAE's two passes over every present (image, class)
 * pair) on synthetic data, random weights, and the CRA CAM throughput (4 scales + flips) of the trained segmentor;
 * then AffinityNet's training step and the pseudo labels' cost after the CAM ({@link #affinity}).
 */
public final class SemFormerBenchmark {
    private SemFormerBenchmark() {}

    /** One row: a stage, its crop and batch, the median step, and images/s of CAM inference (seg only; NaN else). */
    public record Row(String stage, String model, int crop, int batch, double stepMs, double camImagesPerSecond) {}

    /** Both stages; {@code steps} timed steps per stage (plus one epoch's worth of warm-up counted in the median). */
    public static List<Row> run(String model, int steps, int batch, Path work, Device device, PrintStream log) {
        Path data = work.resolve("semformer-data");
        SemFormerTrainConfig caaeCfg = SemFormerTrainConfig.official(SemFormerTrainConfig.CAAE, model, 0);
        SemFormerTrainConfig segCfg = SemFormerTrainConfig.official(SemFormerTrainConfig.SEG, model, 0);
        int images = (steps + 2) * batch;
        Synth.generate(SynthConfig.of(images, 0, Math.max(caaeCfg.crop(), segCfg.crop()), 1), data);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        caaeCfg = caaeCfg.with(1, batch, null, null);
        Path caaeRun = work.resolve("semformer-caae");
        SemFormerTrainer.Result a = new SemFormerTrainer(quiet).train(data, "train", caaeRun, caaeCfg, null, device, false, null);
        log.printf(Locale.ROOT, "semformer caae: step %.0f ms%n", a.medianStepSeconds() * 1000);
        segCfg = segCfg.with(1, batch, null, null);
        Path segRun = work.resolve("semformer-seg");
        SemFormerTrainer.Result s = new SemFormerTrainer(quiet).train(data, "train", segRun, segCfg, caaeRun, device, false, null);
        log.printf(Locale.ROOT, "semformer seg: step %.0f ms%n", s.medianStepSeconds() * 1000);
        java.util.List<String> ids = dev.weaktr.data.VocDataset.open(data, "train").ids();
        dev.weaktr.io.AtomicFiles.writeString(data.resolve("ImageSets/Segmentation/bench.txt"),
                String.join("\n", ids.subList(0, Math.min(8, ids.size()))) + "\n");
        CamPipeline.CamsResult cams = SemFormerCams.generate(segRun, data, "bench", work.resolve("semformer-cams"),
                CraCam.SCALES, CraCam.LAYERS, device, quiet);
        Row aff = affinity(model.equals("cpu-demo") ? "cpu-demo" : "resnet50", Math.min(batch, 8), Math.max(1, steps), device);
        log.printf(Locale.ROOT, "semformer aff: step %.0f ms%n", aff.stepMs());
        return List.of(new Row("caae", model, caaeCfg.crop(), batch, a.medianStepSeconds() * 1000, Double.NaN),
                new Row("seg", model, segCfg.crop(), batch, s.medianStepSeconds() * 1000, cams.images() / cams.seconds()), aff);
    }

    /**
     * AffinityNet at the recipe's crop (official: ResNet-50, 512): the median of {@code steps} full training steps
     * (forward through the frozen ResNet, the edge branch, the radius-10 affinities, the loss, backward, the SGD
     * update; random weights, random crops, a disc-and-band label map) after one warm-up; and the per-image cost of
     * the pseudo labels after the CAM on a 500×375 image (PASCAL VOC's usual size): the boundary map (the image and its
     * flip, padded to the recipe's size), the random walk of two classes, the final CRF.
     */
    public static Row affinity(String affModel, int batch, int steps, Device device) {
        AffinityTrainConfig cfg = AffinityTrainConfig.official(affModel, 0);
        int s = cfg.crop(), g = s / AffinityNet.Config.STRIDE;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(0);
        double[] stepMs = new double[steps + 1];
        double pseudoSeconds;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(device)) {
            dev.weaktr.nn.Parameters backbone = new dev.weaktr.nn.Parameters(m, ai.djl.ndarray.types.DataType.FLOAT32, 0, false);
            dev.weaktr.nn.Parameters edge = new dev.weaktr.nn.Parameters(m, ai.djl.ndarray.types.DataType.FLOAT32, 1);
            AffinityNet net = new AffinityNet(backbone, edge, cfg.net());
            PathIndex index = new PathIndex(cfg.net().trainRadius(), g, g);
            byte[] labels = new byte[g * g];
            for (int y = 0; y < g; y++) {
                for (int x = 0; x < g; x++) {
                    double r = Math.hypot(y - g / 2.0, x - g / 2.0);
                    labels[y * g + x] = (byte) (r < g / 4.0 ? 1 : r < g / 3.0 ? 255 : 0);
                }
            }
            AffinityLabels.Pairs p = AffinityLabels.pairs(labels, index);
            int pm = p.bgPos().length;
            float[] bg = new float[batch * pm], fg = new float[batch * pm], neg = new float[batch * pm];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(p.bgPos(), 0, bg, i * pm, pm);
                System.arraycopy(p.fgPos(), 0, fg, i * pm, pm);
                System.arraycopy(p.neg(), 0, neg, i * pm, pm);
            }
            dev.weaktr.train.Sgd sgd = new dev.weaktr.train.Sgd(edge, cfg.weightDecay(), true, n -> cfg.weightDecay(), n -> 1.0);
            ai.djl.ndarray.types.Shape ps = new ai.djl.ndarray.types.Shape(batch, index.directions(), index.sources());
            for (int t = 0; t <= steps; t++) {
                long t0 = System.nanoTime();
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] images = new float[batch * 3 * s * s];
                    for (int i = 0; i < images.length; i++) {
                        images[i] = (float) rng.nextGaussian();
                    }
                    ai.djl.ndarray.NDArray x = m.create(images, new ai.djl.ndarray.types.Shape(batch, 3, s, s));
                    try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        ai.djl.ndarray.NDArray a = AffinityNet.toAffinity(ai.djl.nn.Activation.sigmoid(net.edge(x)), index);
                        gc.backward(AffinityLoss.of(a, m.create(bg, ps), m.create(fg, ps), m.create(neg, ps)).total());
                    }
                    sgd.update(cfg.lr());
                }
                stepMs[t] = (System.nanoTime() - t0) / 1e6;
            }
            // the pseudo label of one 500×375 image after its CAM
            int w = 500, h = 375, sh = (h - 1) / 4 + 1, sw = (w - 1) / 4 + 1;
            byte[] rgb = new byte[w * h * 3];
            float[] cam = new float[2 * sh * sw];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean in = Math.hypot(x - 180, y - 170) < 90;
                    rgb[(y * w + x) * 3] = (byte) (in ? 200 : 80 + rng.nextInt(20));
                    rgb[(y * w + x) * 3 + 1] = (byte) (x > 330 ? 180 : 90);
                    rgb[(y * w + x) * 3 + 2] = (byte) 100;
                }
            }
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < sw; x++) {
                    cam[y * sw + x] = (float) Math.exp(-(Math.pow(x - 45, 2) + Math.pow(y - 42, 2)) / 400);
                    cam[sh * sw + y * sw + x] = (float) Math.exp(-(Math.pow(x - 105, 2) + Math.pow(y - 47, 2)) / 300);
                }
            }
            dev.weaktr.io.RgbImage image = new dev.weaktr.io.RgbImage(w, h, rgb);
            pseudoSeconds = Double.NaN;
            for (int run = 0; run < 2; run++) { // the second run is timed (the first warms libtorch and the JIT up)
                long t0 = System.nanoTime();
                float[] boundary;
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    boundary = net.boundary(m, dev.weaktr.data.Normalize.toChw(image), h, w);
                }
                float[] walked = RandomWalk.walk(cam, 2, sh, sw, boundary, h, w);
                AffinityLabels.finalLabels(new dev.weaktr.crf.MeanField(), image, walked, new int[] {1, 2},
                        dev.weaktr.crf.CrfConfig.SEMFORMER_FINAL);
                pseudoSeconds = (System.nanoTime() - t0) / 1e9;
            }
        }
        double[] timed = java.util.Arrays.copyOfRange(stepMs, 1, stepMs.length);
        java.util.Arrays.sort(timed);
        return new Row("aff (" + affModel + ")", affModel, s, batch, timed[timed.length / 2], 1 / pseudoSeconds);
    }

    public static String table(List<Row> rows, int cores, String device) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "SemFormer (%s, %d cores, medians, synthetic data, random weights)%n", device, cores));
        s.append("| stage | model | crop | batch | full train step (ms) | inference (img/s): seg = CRA CAM (4 scales + flip); "
                + "aff = pseudo labels of a 500×375 image after its CAM (boundary + random walk + CRF) |\n");
        s.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d px | %d | %.0f | %s |%n", r.stage(), r.model(), r.crop(),
                    r.batch(), r.stepMs(), Double.isNaN(r.camImagesPerSecond()) ? "–"
                            : String.format(Locale.ROOT, "%.2f", r.camImagesPerSecond())));
        }
        return s.toString();
    }
}
