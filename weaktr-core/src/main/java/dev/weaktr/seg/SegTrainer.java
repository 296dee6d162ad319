package dev.weaktr.seg;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.LabelPng;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Batches;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.train.EpochValidation;
import dev.weaktr.train.PolySchedule;
import dev.weaktr.train.Sgd;
import dev.weaktr.train.TrainingLoop;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Online retraining (phase 2, paper §3.2): trains a {@link Segmenter} on CAM seeds with the gradient
 * clipping loss (or the naive mean CE), Nesterov SGD, encoder lr ×0.1, poly decay per iteration. Writes
 * {@code run.json}, {@code checkpoint.safetensors} (every epoch, atomically) and {@code log.jsonl} (one line
 * per step with the kept-pixel fraction, as the paper's Fig. 5, plus one per epoch).
 */
public final class SegTrainer {
    private final PrintStream console;
    private dev.weaktr.train.Validation.Plan<Segmenter> validation;

    public SegTrainer(PrintStream console) {
        this.console = console;
    }

    /**
     * Scores val mIoU (single scale) every {@code settings.every()} epochs and after the last, records it in
     * log.jsonl and keeps {@link dev.weaktr.train.BestCheckpoint#FILE} (official {@code checkpoint_best.pth}).
     */
    public SegTrainer validate(dev.weaktr.train.Validation.Plan<Segmenter> plan) {
        this.validation = plan;
        return this;
    }

    /** Summary of a finished retraining. */
    public record Result(Path run, int epochs, double lastLoss, double keptFraction, double seconds) {}

    /**
     * @param seeds folder of {@code <id>.png} pseudo masks for every id of the split
     * @param init where the encoder starts: ImageNet weights, a CAM run's backbone, or random ({@link Init#NONE})
     */
    public Result train(Path dataRoot, String split, Path seeds, Path run, SegmenterConfig net, SegTrainConfig cfg,
            Init init, Device device, boolean resume) {
        return train(dataRoot, split, seeds, run, net, cfg, init, device, resume, cfg.epochs());
    }

    /** The encoder's starting point: {@code pretrained} (a weights file) or {@code camRun}, or neither. */
    public record Init(Path pretrained, boolean strict, Path camRun) {
        public static final Init NONE = new Init(null, false, null);

        public static Init fromCamRun(Path camRun) {
            return new Init(null, false, camRun);
        }

        String describe() {
            return pretrained != null ? pretrained.toAbsolutePath().toString()
                    : camRun != null ? "cam-run:" + camRun.toAbsolutePath() : null;
        }
    }

    /** As {@link #train}, but returns after epoch {@code stopAfter} (as a killed run would, minus the kill). */
    Result train(Path dataRoot, String split, Path seeds, Path run, SegmenterConfig net, SegTrainConfig requested,
            Init init, Device device, boolean resume, int stopAfter) {
        if (init.pretrained() != null && init.camRun() != null) {
            throw new WeaktrException("give either --pretrained or --init-from, not both");
        }
        dev.weaktr.data.check.DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        if (data.classes().size() != net.numClasses()) {
            throw new WeaktrException(dataRoot + " has " + data.classes().size() + " classes (background included) but "
                    + "the Segmenter is built for " + net.numClasses());
        }
        checkSeeds(data, seeds);
        SegTrainConfig cfg = Batches.capBatch(requested, requested.batch(), data.size(), split, console, requested::withBatchCappedTo);
        int steps = data.size() / cfg.batch();
        SegRun manifest = new SegRun(SegRun.FORMAT, net, data.classes().names(), cfg, dataRoot.toAbsolutePath().toString(),
                split, seeds.toAbsolutePath().toString(), init.describe(),
                net.normalization().mean(), net.normalization().std());
        Checkpoint.forRun(run, resume); // refuse a missing or an existing checkpoint before writing run.json
        if (resume) {
            SegRun previous = SegRun.read(run);
            if (!previous.net().equals(net) || !previous.train().equals(cfg)) {
                throw new WeaktrException("--resume: " + run + " was trained with other settings (" + previous.net() + ", "
                        + previous.train() + "); resume with the same flags");
            }
        }
        manifest.write(run);
        long t0 = System.nanoTime();
        ExecutorService loader = Batches.loaderPool();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, cfg.seed());
            Segmenter model = new Segmenter(params, net);
            Sgd sgd = new Sgd(params, cfg.momentum(), true, cfg.weightDecay(),
                    name -> name.startsWith("encoder.") ? cfg.encoderLrScale() : 1.0);
            // a resumed run's weights come from its checkpoint (the loop loads it), not from the init
            if (!resume && init.pretrained() != null) {
                console.println(EncoderInit.fromPretrained(params, net, init.pretrained(), init.strict()).summary());
            } else if (!resume && init.camRun() != null) {
                console.printf("encoder initialised from %s (%d tensors)%n", init.camRun(), EncoderInit.fromCamRun(params, init.camRun()));
            }
            // per iteration, of the updates done: a skipped step does not advance the decay (as sgd.step() today)
            PolySchedule schedule = new PolySchedule(cfg.lr(), cfg.minLr(), cfg.power(), (long) steps * cfg.epochs());
            TrainingLoop.Config loopCfg = new TrainingLoop.Config(cfg.epochs(), steps, "epoch",
                    (epoch, updates) -> schedule.lrAt(updates), cfg.maxGradNorm(), cfg.seed(), true);
            EpochValidation<Segmenter> val = EpochValidation.of(validation, run, resume, console);
            Steps method = new Steps(model, params, new GradientClipping(cfg.startValue(), cfg.clipPatch(), cfg.gradientClip()),
                    data, seeds, new SegAugmentation(cfg.augment(), net.normalization()), cfg, manager, loader, val);
            Map<String, Double> last = new TrainingLoop(console).run(run, resume, params, sgd, loopCfg, method, stopAfter);
            return new Result(run, cfg.epochs(), last.getOrDefault("loss", Double.NaN), last.getOrDefault("kept", Double.NaN),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            loader.shutdownNow();
        }
    }

    private static void checkSeeds(VocDataset data, Path seeds) {
        if (!Files.isDirectory(seeds)) {
            throw new WeaktrException("--seeds " + seeds + " is not a folder (expected the --out of 'weaktr seeds')");
        }
        for (String id : data.ids()) {
            if (!Files.isRegularFile(seeds.resolve(id + ".png"))) {
                throw new WeaktrException("--seeds " + seeds + " has no " + id + ".png for image '" + id + "' of split '"
                        + data.split() + "'");
            }
        }
    }

    /** Seed pixels must be a class of the dataset (0..K-1) or 255. */
    private static void checkSeedValues(Path file, LabelPng.LabelMap seed, int classes) {
        for (byte b : seed.labels()) {
            int v = b & 0xff;
            if (v >= classes && v != 255) {
                throw new WeaktrException(file + " holds label " + v + ", but the dataset has " + classes
                        + " classes (0.." + (classes - 1) + ", 255 = ignore)");
            }
        }
    }

    /** One prepared batch: images [B, 3, S, S] and labels [B·S·S]. */
    private record Batch(float[] images, byte[] labels, int size) {}

    /**
     * Online retraining plugged into the loop: per epoch the shuffled ids, then the drop-path stream (drawn in that
     * order from the epoch stream, then per-image augmentation streams as each batch is prepared); per step the
     * gradient clipping loss, logged with its kept fraction (paper Fig. 5); after an epoch, validation and the best
     * checkpoint when due.
     */
    private static final class Steps implements TrainingLoop.Method {
        private final Segmenter model;
        private final Parameters params;
        private final GradientClipping loss;
        private final VocDataset data;
        private final Path seeds;
        private final SegAugmentation aug;
        private final SegTrainConfig cfg;
        private final NDManager manager;
        private final ExecutorService loader;
        private final EpochValidation<Segmenter> val;
        private List<String> order;
        private SplittableRandom dropPath;
        private Batch batch;
        private GradientClipping.Result result;

        Steps(Segmenter model, Parameters params, GradientClipping loss, VocDataset data, Path seeds, SegAugmentation aug,
                SegTrainConfig cfg, NDManager manager, ExecutorService loader,
                EpochValidation<Segmenter> val) {
            this.model = model;
            this.params = params;
            this.loss = loss;
            this.data = data;
            this.seeds = seeds;
            this.aug = aug;
            this.cfg = cfg;
            this.manager = manager;
            this.loader = loader;
            this.val = val;
        }

        @Override
        public void startRound(int epoch, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
            dropPath = rng.split();
        }

        @Override
        public Map<String, Double> step(long step, int s, SplittableRandom rng) {
            batch = prepare(data, seeds, aug, order, s * cfg.batch(), cfg.batch(), rng, loader);
            result = SegTrainer.step(model, loss, batch, cfg.augment().crop(), manager, dropPath);
            Map<String, Double> terms = new LinkedHashMap<>();
            terms.put("loss", result.meanLoss()); // g, the unclipped mean: the loss the guard checks
            terms.put("kept", result.keptFraction());
            terms.put("kept_fg", result.keptForeground()); // where the clip's pixels go: foreground or background
            return terms;
        }

        @Override
        public Map<String, Object> stepRecord(Map<String, Double> terms) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("mean_loss", result.meanLoss());
            rec.put("clipping", result.clipping());
            rec.put("kept", result.keptFraction());
            rec.put("kept_fg", result.keptForeground());
            return rec;
        }

        @Override
        public String nonFiniteActivation(Map<String, Double> terms) {
            return firstActivation(model, batch, cfg.augment().crop(), manager);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", "seg");
        }

        @Override
        public String activity() {
            return "retraining";
        }

        @Override
        public void endRound(int epochsDone, Map<String, Object> rec) {
            if (val != null) {
                val.afterEpoch(epochsDone, cfg.epochs(), model, manager, params, checkpointMeta(), rec);
            }
        }
    }

    /** Re-runs the forward of a step whose loss was not finite and names the first non-finite activation. */
    private static String firstActivation(Segmenter model, Batch batch, int crop, NDManager manager) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(batch.images(), new Shape(batch.size(), 3, crop, crop));
            String name = model.probe(x).firstActivation();
            return name != null ? name : "loss (cross-entropy of finite logits)";
        }
    }

    private static GradientClipping.Result step(Segmenter model, GradientClipping loss, Batch batch, int crop,
            NDManager manager, SplittableRandom dropPath) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(batch.images(), new Shape(batch.size(), 3, crop, crop));
            GradientClipping.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(x, dropPath, false).get(0);
                r = loss.apply(logits, batch.labels());
                gc.backward(r.loss());
            }
            return r;
        }
    }

    private static Batch prepare(VocDataset data, Path seeds, SegAugmentation aug, List<String> order, int from,
            int batch, SplittableRandom rng, ExecutorService loader) {
        SplittableRandom[] rngs = new SplittableRandom[batch];
        for (int i = 0; i < batch; i++) {
            rngs[i] = rng.split();
        }
        int crop = aug.config().crop();
        float[] images = new float[batch * 3 * crop * crop];
        byte[] labels = new byte[batch * crop * crop];
        Batches.parallel(batch, i -> {
            String id = order.get(from + i);
            LabelPng.LabelMap seed = LabelPng.read(seeds.resolve(id + ".png"));
            dev.weaktr.io.RgbImage image = data.readImage(id);
            if (seed.width() != image.width() || seed.height() != image.height()) {
                throw new WeaktrException(seeds.resolve(id + ".png") + " is " + seed.width() + "x" + seed.height()
                        + " but its image is " + image.width() + "x" + image.height());
            }
            checkSeedValues(seeds.resolve(id + ".png"), seed, data.classes().size());
            SegAugmentation.Sample s = aug.apply(image, seed, rngs[i]);
            System.arraycopy(s.image(), 0, images, i * 3 * crop * crop, 3 * crop * crop);
            System.arraycopy(s.labels(), 0, labels, i * crop * crop, crop * crop);
        }, loader);
        return new Batch(images, labels, batch);
    }
}
