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
import dev.weaktr.train.EpochValidation;
import dev.weaktr.train.NonFinite;
import dev.weaktr.train.TrainingLoop;
import dev.weaktr.weights.PretrainedInit;
import java.io.PrintStream;
import java.nio.file.Path;
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
        Checkpoint.forRun(run, resume); // refuse a missing or an existing checkpoint before writing run.json
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
            CosineSchedule schedule = new CosineSchedule(cfg.effectiveLr(), cfg.warmupLr(), cfg.minLr(),
                    cfg.warmupEpochs(), cfg.epochs());
            TrainingLoop.Config loopCfg = new TrainingLoop.Config(cfg.epochs(), stepsPerEpoch, "epoch",
                    (epoch, updates) -> schedule.lrForEpoch(epoch), cfg.maxGradNorm(), cfg.seed(), false);
            EpochValidation<WeakTrCamNet> val = EpochValidation.of(validation, run, resume, console);
            Steps steps = new Steps(model, params, data, new Augmentation(cfg.augment()), cfg, manager, loader, val);
            TrainingLoop loop = new TrainingLoop(console);
            Map<String, Double> last = loop.run(run, resume, params, adam, loopCfg, steps);
            return new Result(run, cfg.epochs(), last.getOrDefault("loss", Double.NaN), (System.nanoTime() - t0) / 1e9,
                    loop.medianStepSeconds());
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

    /** One prepared mini-batch: images [B, 3, S, S] and targets [B, C], as flat arrays. */
    private record Batch(float[] images, float[] targets, int size) {}

    /**
     * WeakTr's CAM phase plugged into the loop: per epoch the shuffled ids and the drop-path stream (drawn in that
     * order from the epoch stream, then per-image augmentation streams as each batch is prepared); per step the
     * three losses of {@link CamLoss}; after an epoch, validation and the best checkpoint when due.
     */
    private static final class Steps implements TrainingLoop.Method {
        private final WeakTrCamNet model;
        private final Parameters params;
        private final VocDataset data;
        private final Augmentation augmentation;
        private final CamTrainConfig cfg;
        private final NDManager manager;
        private final ExecutorService loader;
        private final EpochValidation<WeakTrCamNet> val;
        private List<String> order;
        private SplittableRandom dropPath;
        private Batch batch;

        Steps(WeakTrCamNet model, Parameters params, VocDataset data, Augmentation augmentation, CamTrainConfig cfg,
                NDManager manager, ExecutorService loader, EpochValidation<WeakTrCamNet> val) {
            this.model = model;
            this.params = params;
            this.data = data;
            this.augmentation = augmentation;
            this.cfg = cfg;
            this.manager = manager;
            this.loader = loader;
            this.val = val;
        }

        @Override
        public void startRound(int epoch, SplittableRandom epochRng) {
            order = Batches.shuffled(data.ids(), epochRng);
            dropPath = epochRng.split();
        }

        @Override
        public Map<String, Double> step(long step, int s, SplittableRandom epochRng) {
            batch = prepare(data, augmentation, order, s * cfg.batch(), cfg.batch(), epochRng, loader);
            double[] t = trainStep(model, batch, cfg.augment().size(), manager, dropPath, cfg.scorePool());
            Map<String, Double> terms = new LinkedHashMap<>();
            terms.put("loss", t[0]);
            terms.put("loss_cls", t[1]);
            terms.put("loss_coarse", t[2]);
            terms.put("loss_fine", t[3]);
            return terms;
        }

        @Override
        public String nonFiniteActivation(Map<String, Double> terms) {
            return firstActivation(model, batch, cfg.augment().size(), manager, new double[] {terms.get("loss"),
                terms.get("loss_cls"), terms.get("loss_coarse"), terms.get("loss_fine")});
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", "cam", "fusion", model.config().fusion());
        }

        @Override
        public void endRound(int epochsDone, Map<String, Object> rec) {
            if (val != null) {
                val.afterEpoch(epochsDone, cfg.epochs(), model, manager, params, checkpointMeta(), rec);
            }
        }
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
