package dev.weaktr.cam;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.Augmentation;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.DatasetChecker;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.AdamW;
import dev.weaktr.train.Batches;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.train.CosineSchedule;
import dev.weaktr.train.JsonLog;
import dev.weaktr.train.NonFinite;
import dev.weaktr.train.Progress;
import dev.weaktr.weights.PretrainedInit;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Trains WeakTr's CAM network (phase 1) on images with image-level labels and writes a run folder:
 * {@code run.json}, {@code checkpoint.safetensors} (after every epoch, atomically) and {@code log.jsonl}.
 *
 * <p>Determinism: epoch e draws its shuffling, augmentation and drop path from a stream seeded by
 * (seed, e), so a resumed run continues exactly where an uninterrupted one would be.
 */
public final class CamTrainer {
    private final PrintStream console;
    private dev.weaktr.train.Validation.Plan<WeakTrCamNet> validation;

    public CamTrainer(PrintStream console) {
        this.console = console;
    }

    /**
     * Scores the model on a held split every {@code settings.every()} epochs (and after the last), records the
     * score in log.jsonl and keeps {@link dev.weaktr.train.BestCheckpoint#FILE} (spec §2.4). Null turns it off.
     */
    public CamTrainer validate(dev.weaktr.train.Validation.Plan<WeakTrCamNet> plan) {
        this.validation = plan;
        return this;
    }

    /** Summary of a finished training; {@code medianStepSeconds} covers this invocation's steps (data wait included). */
    public record Result(Path run, int epochs, double lastLoss, double seconds, double medianStepSeconds) {}

    /** Pretrained weights to start from (spec §1.9): a safetensors or .pth file; {@code strict} as PyTorch's. */
    public record Pretrained(Path file, boolean strict) {}

    /** Trains from the seeded random init (no pretrained weights). */
    public Result train(Path dataRoot, String split, Path run, CamNetConfig net, CamTrainConfig cfg,
            Device device, boolean resume) {
        return train(dataRoot, split, run, net, cfg, device, resume, null);
    }

    /**
     * @param net the network shape; its class count must equal the dataset's foreground classes
     * @param resume continue from {@code run/checkpoint.safetensors}
     * @param pretrained weights loaded after the random init and before resuming, or null
     */
    public Result train(Path dataRoot, String split, Path run, CamNetConfig net, CamTrainConfig requested,
            Device device, boolean resume, Pretrained pretrained) {
        DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        data.notices().forEach(n -> console.println("note: " + n));
        if (data.classes().numForeground() != net.numClasses()) {
            throw new WeaktrException(dataRoot + " has " + data.classes().numForeground() + " foreground classes but the "
                    + "network is built for " + net.numClasses());
        }
        CamTrainConfig cfg = Batches.capBatch(requested, requested.batch(), data.size(), split, console, requested::withBatchCappedTo);
        int stepsPerEpoch = data.size() / cfg.batch(); // drop_last, as the official loader
        WeightFile weights = pretrained == null ? null : WeightFile.read(pretrained.file());
        CamRun manifest = new CamRun(CamRun.FORMAT, Version.VERSION, net, data.classes().names(), cfg,
                dataRoot.toAbsolutePath().toString(), split, device.toString(),
                pretrained == null ? null : pretrained.file().toAbsolutePath().toString());
        Path ckpt = Checkpoint.forRun(run, resume);
        if (resume) {
            checkResumable(run, manifest);
        }
        manifest.write(run);
        long t0 = System.nanoTime();
        ExecutorService loader = Batches.loaderPool();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, cfg.seed());
            WeakTrCamNet model = new WeakTrCamNet(params, net);
            AdamW adam = new AdamW(params, cfg.weightDecay());
            if (weights != null) {
                console.println(PretrainedInit.apply(weights, params, pretrained.strict()).summary());
            }
            int startEpoch = 0;
            if (resume) {
                startEpoch = Integer.parseInt(Checkpoint.load(ckpt, params, adam).get("epoch"));
                console.printf("resuming %s after epoch %d of %d%n", run, startEpoch, cfg.epochs());
            }
            CosineSchedule schedule = new CosineSchedule(cfg.effectiveLr(), cfg.warmupLr(), cfg.minLr(),
                    cfg.warmupEpochs(), cfg.epochs());
            Progress progress = new Progress(console, (long) stepsPerEpoch * cfg.epochs(), (long) stepsPerEpoch * startEpoch);
            JsonLog log = new JsonLog(run.resolve("log.jsonl"));
            Augmentation augmentation = new Augmentation(cfg.augment());
            NonFinite.Guard guard = new NonFinite.Guard(MAX_CONSECUTIVE_SKIPS);
            dev.weaktr.train.Validation.Scorer<WeakTrCamNet> val = validation == null ? null : validation.scorer();
            dev.weaktr.train.BestCheckpoint best = val == null ? null : dev.weaktr.train.BestCheckpoint.forRun(run, resume);
            double lastLoss = Double.NaN;
            List<Double> stepTimes = new ArrayList<>();
            for (int epoch = startEpoch; epoch < cfg.epochs(); epoch++) {
                double lr = schedule.lrForEpoch(epoch);
                EpochStats stats = runEpoch(params, model, adam, data, augmentation, cfg, epoch, lr, stepsPerEpoch,
                        manager, loader, progress, guard);
                lastLoss = stats.mean(0);
                stepTimes.addAll(stats.stepSeconds);
                Checkpoint.save(ckpt, params, adam, epoch + 1, Map.of("task", "cam", "fusion", net.fusion()));
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("epoch", epoch + 1);
                rec.put("step", adam.step());
                rec.put("lr", lr);
                rec.put("loss", stats.mean(0));
                rec.put("loss_cls", stats.mean(1));
                rec.put("loss_coarse", stats.mean(2));
                rec.put("loss_fine", stats.mean(3));
                rec.put("skipped_steps", stats.skipped);
                if (stats.lastSkipReason != null) {
                    rec.put("last_skip", stats.lastSkipReason);
                }
                rec.put("seconds", stats.seconds);
                if (val != null && validation.due(epoch + 1, cfg.epochs())) {
                    dev.weaktr.train.Validation.Score s = val.score(model, manager);
                    boolean improved = best.offer(params, epoch + 1, s.metric(), s.value(),
                            Map.of("task", "cam", "fusion", net.fusion(), "val_split", val.split()));
                    rec.put(s.metric(), s.value());
                    if (!Double.isNaN(s.threshold())) {
                        rec.put("val_threshold", s.threshold());
                    }
                    rec.put("val_images", s.images());
                    rec.put("best_epoch", best.bestEpoch());
                    console.printf(java.util.Locale.ROOT, "epoch %d: %s %.2f on %s (%d images)%s%n", epoch + 1, s.metric(),
                            s.value(), val.split(), s.images(), improved ? " - new best, " + dev.weaktr.train.BestCheckpoint.FILE : "");
                }
                log.append(rec);
            }
            return new Result(run, cfg.epochs(), lastLoss, (System.nanoTime() - t0) / 1e9, Batches.median(stepTimes));
        } finally {
            loader.shutdownNow();
        }
    }

    private static void checkResumable(Path run, CamRun manifest) {
        CamRun previous = CamRun.read(run);
        if (!previous.net().equals(manifest.net()) || !previous.classes().equals(manifest.classes())) {
            throw new WeaktrException("--resume: " + run + " was trained with " + previous.net() + " on classes "
                    + previous.classes() + "; this command asks for " + manifest.net() + " on " + manifest.classes());
        }
        if (!previous.train().equals(manifest.train())) {
            throw new WeaktrException("--resume: training flags differ from the run's " + CamRun.FILE + " ("
                    + previous.train() + " vs " + manifest.train() + "); resume with the same flags");
        }
    }

    /** Running sums of the loss terms of one epoch. */
    private static final class EpochStats {
        final double[] sums = new double[4];
        int steps;
        int skipped;
        String lastSkipReason;
        double seconds;
        final List<Double> stepSeconds = new ArrayList<>();

        double mean(int i) {
            return steps == 0 ? Double.NaN : sums[i] / steps; // NaN: every step of the epoch was skipped
        }
    }

    /** One prepared mini-batch: images [B, 3, S, S] and targets [B, C], as flat arrays. */
    private record Batch(float[] images, float[] targets, int size) {}

    /** Non-finite steps tolerated in a row before training stops with an error. */
    static final int MAX_CONSECUTIVE_SKIPS = 10;

    private EpochStats runEpoch(Parameters params, WeakTrCamNet model, AdamW adam, VocDataset data, Augmentation aug,
            CamTrainConfig cfg, int epoch, double lr, int steps, NDManager manager, ExecutorService loader,
            Progress progress, NonFinite.Guard guard) {
        SplittableRandom epochRng = Batches.epochStream(cfg.seed(), epoch);
        List<String> order = Batches.shuffled(data.ids(), epochRng);
        SplittableRandom dropPathRng = epochRng.split();
        EpochStats stats = new EpochStats();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long ts = System.nanoTime();
            Batch batch = prepare(data, aug, order, s * cfg.batch(), cfg.batch(), epochRng, loader);
            double[] terms = trainStep(model, batch, cfg.augment().size(), manager, dropPathRng, cfg.scorePool());
            List<String> badGradients = Double.isFinite(terms[0]) ? params.nonFiniteGradients() : List.of("(loss)");
            if (!badGradients.isEmpty()) {
                // as the official AMP GradScaler does: a step with a non-finite loss or gradient is skipped
                NonFinite.Event event = new NonFinite.Event(adam.step() + 1, Double.isFinite(terms[0])
                        ? NonFinite.gradients(badGradients, params.all().size())
                        : firstActivation(model, batch, cfg.augment().size(), manager, terms));
                params.zeroGradients();
                stats.skipped++;
                stats.lastSkipReason = event.toString();
                if (guard.skip(event)) {
                    throw new WeaktrException("training diverged: " + guard.inARow() + " steps in a row had a non-finite "
                            + "loss or gradient; the first went non-finite at " + guard.first() + " (non-finite weights: "
                            + params.nonFiniteValues() + "); lower --lr or set --max-grad-norm");
                }
                continue;
            }
            guard.passed();
            if (cfg.maxGradNorm() > 0) {
                double norm = params.gradientNorm();
                if (norm > cfg.maxGradNorm()) {
                    params.scaleGradients(cfg.maxGradNorm() / (norm + 1e-6)); // clip_grad_norm_'s coefficient
                }
            }
            adam.update(lr);
            for (int i = 0; i < 4; i++) {
                stats.sums[i] += terms[i];
            }
            stats.steps++;
            stats.stepSeconds.add((System.nanoTime() - ts) / 1e9);
            progress.step(epoch, cfg.epochs(), s + 1, steps, stats.mean(0), lr);
        }
        stats.seconds = (System.nanoTime() - t0) / 1e9;
        return stats;
    }

    /** Forward, three losses, backward. Returns {total, cls, coarse, fine}. */
    static double[] trainStep(WeakTrCamNet model, Batch batch, int size, NDManager manager, SplittableRandom dropPath,
            String scorePool) {
        int c = model.config().numClasses();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(batch.images(), new Shape(batch.size(), 3, size, size));
            NDArray y = manager.create(batch.targets(), new Shape(batch.size(), c));
            CamLoss.Terms terms;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                WeakTrCamNet.Output out = model.forward(x, dropPath);
                terms = CamLoss.compute(out, y, model.fusion().learnsFromFineCam(), scorePool);
                gc.backward(terms.total());
            }
            double total = terms.total().getFloat();
            return new double[] {total, terms.classToken().getFloat(), terms.coarse().getFloat(), terms.fine().getFloat()};
        }
    }


    /**
     * Re-runs the forward of a step whose loss was not finite (without drop path) and names the first non-finite
     * tensor: the input, a block's attention scores or feature, the tokens, the CAMs, then the loss terms.
     */
    private static String firstActivation(WeakTrCamNet model, Batch batch, int size, NDManager manager, double[] terms) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(batch.images(), new Shape(batch.size(), 3, size, size));
            NonFinite.Probe probe = new NonFinite.Probe().add("input", x);
            var enc = model.backbone().forward(x, null, null);
            for (int i = 0; i < enc.layers().size(); i++) {
                probe.add("blocks." + i + ".attn.scores", enc.layers().get(i).scores());
                probe.add("blocks." + i + ".attn", enc.layers().get(i).feature());
            }
            probe.add("tokens", enc.tokens());
            WeakTrCamNet.Output out = model.forward(x, null);
            probe.add("class-token scores", out.classTokenScores()).add("coarse scores", out.coarseScores())
                    .add("fused CAM", out.fusedCam()).add("fine CAM", out.fineCam());
            String name = probe.firstActivation();
            if (name != null) {
                return name;
            }
            String[] names = {"class-token", "coarse", "fine"};
            for (int i = 0; i < 3; i++) {
                if (!Double.isFinite(terms[i + 1])) {
                    return "loss term " + names[i] + " (" + terms[i + 1] + ")";
                }
            }
            return "loss (" + terms[0] + ")";
        }
    }

    /** Decodes and augments one batch on the loader threads; per-image RNGs are split off in order first. */
    private static Batch prepare(VocDataset data, Augmentation aug, List<String> order, int from, int batch,
            SplittableRandom epochRng, ExecutorService loader) {
        SplittableRandom[] rngs = new SplittableRandom[batch];
        for (int i = 0; i < batch; i++) {
            rngs[i] = epochRng.split();
        }
        int c = data.classes().numForeground();
        int plane = 3 * aug.config().size() * aug.config().size();
        float[] images = new float[batch * plane];
        float[] targets = new float[batch * c];
        Batches.parallel(batch, k -> {
            String id = order.get(from + k);
            System.arraycopy(aug.apply(data.readImage(id), rngs[k]), 0, images, k * plane, plane);
            boolean[] labels = data.labels(id);
            for (int j = 0; j < c; j++) {
                targets[k * c + j] = labels[j] ? 1f : 0f;
            }
        }, loader);
        return new Batch(images, targets, batch);
    }

}
