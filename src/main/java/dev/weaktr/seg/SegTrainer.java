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
import dev.weaktr.train.JsonLog;
import dev.weaktr.train.NonFinite;
import dev.weaktr.train.PolySchedule;
import dev.weaktr.train.Progress;
import dev.weaktr.train.Sgd;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        Path ckpt = Checkpoint.forRun(run, resume);
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
            int startEpoch = 0;
            if (resume) {
                startEpoch = Integer.parseInt(Checkpoint.load(ckpt, params, sgd).get("epoch"));
                console.printf("resuming %s after epoch %d of %d%n", run, startEpoch, cfg.epochs());
            } else if (init.pretrained() != null) {
                console.println(EncoderInit.fromPretrained(params, net, init.pretrained(), init.strict()).summary());
            } else if (init.camRun() != null) {
                console.printf("encoder initialised from %s (%d tensors)%n", init.camRun(), EncoderInit.fromCamRun(params, init.camRun()));
            }
            PolySchedule schedule = new PolySchedule(cfg.lr(), cfg.minLr(), cfg.power(), (long) steps * cfg.epochs());
            GradientClipping loss = new GradientClipping(cfg.startValue(), cfg.clipPatch(), cfg.gradientClip());
            SegAugmentation aug = new SegAugmentation(cfg.augment(), net.normalization());
            JsonLog log = new JsonLog(run.resolve("log.jsonl"));
            Progress progress = new Progress(console, (long) steps * cfg.epochs(), (long) steps * startEpoch);
            dev.weaktr.train.Validation.Scorer<Segmenter> val = validation == null ? null : validation.scorer();
            dev.weaktr.train.BestCheckpoint best = val == null ? null : dev.weaktr.train.BestCheckpoint.forRun(run, resume);
            double[] last = {Double.NaN, Double.NaN};
            NonFinite.Guard guard = new NonFinite.Guard(MAX_CONSECUTIVE_SKIPS);
            for (int epoch = startEpoch; epoch < Math.min(cfg.epochs(), stopAfter); epoch++) {
                long epochStart = System.nanoTime();
                last = runEpoch(params, model, sgd, loss, data, seeds, aug, cfg, epoch, steps, schedule, manager, loader, log,
                        progress, guard);
                Checkpoint.save(ckpt, params, sgd, epoch + 1, Map.of("task", "seg"));
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("epoch", epoch + 1);
                rec.put("step", sgd.step());
                rec.put("loss", last[0]);
                rec.put("kept", last[1]);
                rec.put("seconds", (System.nanoTime() - epochStart) / 1e9);
                if (val != null && validation.due(epoch + 1, cfg.epochs())) {
                    dev.weaktr.train.Validation.Score s = val.score(model, manager);
                    boolean improved = best.offer(params, epoch + 1, s.metric(), s.value(), Map.of("task", "seg", "val_split", val.split()));
                    rec.put(s.metric(), s.value());
                    rec.put("val_images", s.images());
                    rec.put("best_epoch", best.bestEpoch());
                    console.printf(java.util.Locale.ROOT, "epoch %d: %s %.2f on %s (%d images)%s%n", epoch + 1, s.metric(), s.value(),
                            val.split(), s.images(), improved ? " - new best, " + dev.weaktr.train.BestCheckpoint.FILE : "");
                }
                log.append(rec);
            }
            return new Result(run, cfg.epochs(), last[0], last[1], (System.nanoTime() - t0) / 1e9);
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

    /** Returns {mean loss, mean kept fraction} of the epoch. */
    private double[] runEpoch(Parameters params, Segmenter model, Sgd sgd, GradientClipping loss, VocDataset data, Path seeds,
            SegAugmentation aug, SegTrainConfig cfg, int epoch, int steps, PolySchedule schedule, NDManager manager,
            ExecutorService loader, JsonLog log, Progress progress, NonFinite.Guard guard) {
        SplittableRandom rng = Batches.epochStream(cfg.seed(), epoch);
        Engine.getInstance().setRandomSeed((int) (cfg.seed() * 31 + epoch)); // decoder dropout (libtorch RNG)
        List<String> order = Batches.shuffled(data.ids(), rng);
        SplittableRandom dropPath = rng.split();
        double lossSum = 0, keptSum = 0;
        int passed = 0;
        for (int s = 0; s < steps; s++) {
            Batch batch = prepare(data, seeds, aug, order, s * cfg.batch(), cfg.batch(), rng, loader);
            double lr = schedule.lrAt(sgd.step());
            GradientClipping.Result r = step(model, loss, batch, cfg.augment().crop(), manager, dropPath);
            double norm = Double.isFinite(r.meanLoss()) ? params.gradientNorm() : Double.NaN;
            if (!Double.isFinite(norm)) { // skipped, as AMP's GradScaler would
                NonFinite.Event event = new NonFinite.Event(sgd.step() + 1, Double.isFinite(r.meanLoss())
                        ? NonFinite.gradients(params.nonFiniteGradients(), params.all().size())
                        : firstActivation(model, batch, cfg.augment().crop(), manager));
                params.zeroGradients();
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("step", event.step());
                rec.put("skipped", true);
                rec.put("non_finite", event.tensor());
                log.append(rec);
                if (guard.skip(event)) {
                    throw new WeaktrException("retraining diverged: " + guard.inARow() + " steps in a row had a non-finite "
                            + "loss or gradient; the first went non-finite at " + guard.first() + " (non-finite weights: "
                            + params.nonFiniteValues() + "); lower --lr or set --max-grad-norm");
                }
                continue;
            }
            guard.passed();
            passed++;
            if (cfg.maxGradNorm() > 0 && norm > cfg.maxGradNorm()) {
                params.scaleGradients(cfg.maxGradNorm() / (norm + 1e-6)); // clip_grad_norm_'s coefficient
            }
            sgd.update(lr);
            lossSum += r.meanLoss();
            keptSum += r.keptFraction();
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", sgd.step());
            rec.put("lr", lr);
            rec.put("mean_loss", r.meanLoss());
            rec.put("clipping", r.clipping());
            rec.put("kept", r.keptFraction());
            rec.put("grad_norm", norm);
            log.append(rec);
            progress.step(epoch, cfg.epochs(), s + 1, steps, lossSum / passed, lr);
        }
        return passed == 0 ? new double[] {Double.NaN, Double.NaN} // every step skipped
                : new double[] {lossSum / passed, keptSum / passed};
    }

    /** Non-finite steps tolerated in a row before training stops with an error. */
    static final int MAX_CONSECUTIVE_SKIPS = 10;

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
