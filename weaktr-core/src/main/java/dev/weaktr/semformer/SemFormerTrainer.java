package dev.weaktr.semformer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.Normalize;
import dev.weaktr.data.PilResize;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.DatasetChecker;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Batches;
import dev.weaktr.train.BestCheckpoint;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.train.Sgd;
import dev.weaktr.train.TrainingLoop;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SemFormer's two training stages on the shared {@link TrainingLoop} (peers.md §4.1–4.2): stage {@code caae} trains
 * the Class-Aware AutoEncoder with SS + reconstruction; stage {@code seg} trains the segmentor with SS + CF + CB +
 * 0.075·AS + AC against a frozen CAAE run. Both use the official PolyOptimizer ({@link SemFormerRecipe}); an epoch
 * is a round (checkpoint, resume point, log line).
 *
 * <p>ImageNet initialisation ({@code pretrained}, {@link SemFormerPretrained}) as the official code; from scratch the
 * K class tokens start independent (the official code copies the pretrained class token K times). The CAAE keeps its
 * best epoch by the official thresholded-similarity "mAP" on the training split ({@link CaaeSelection}), and stage 2
 * uses that best checkpoint when there is one.
 */
public final class SemFormerTrainer {
    private final PrintStream console;

    public SemFormerTrainer(PrintStream console) {
        this.console = console;
    }

    /** What a finished run reports. */
    public record Result(Path run, int epochs, long steps, Map<String, Double> last, double seconds,
            double medianStepSeconds) {}

    /**
     * @param caaeRun the stage-1 run (stage {@code seg} only)
     */
    public Result train(Path dataRoot, String split, Path run, SemFormerTrainConfig cfg, Path caaeRun, Device device,
            boolean resume, Path pretrained) {
        return train(dataRoot, split, run, cfg, caaeRun, device, resume, pretrained, null);
    }

    /**
     * @param validation stage {@code seg}: the held split scored after every due epoch ({@link SemFormerValidation});
     *     the best epoch is kept as {@value BestCheckpoint#FILE}, which {@code cams} and {@code pseudo} then use (the
     *     official code saves only the best epoch); null = the last epoch
     */
    public Result train(Path dataRoot, String split, Path run, SemFormerTrainConfig cfg, Path caaeRun, Device device,
            boolean resume, Path pretrained, dev.weaktr.train.Validation.Plan<SemFormerNet> validation) {
        boolean seg = cfg.stage().equals(SemFormerTrainConfig.SEG);
        if (seg && caaeRun == null) {
            throw new WeaktrException("train --method semformer --stage seg needs --caae RUN (a run of --stage caae)");
        }
        DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        data.notices().forEach(n -> console.println("note: " + n));
        List<String> classes = data.classes().names();
        SemFormerRun caaeManifest = seg ? SemFormerRun.readCaae(caaeRun, classes) : null;
        if (seg && !Files.exists(caaeRun.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(caaeRun + ": no " + Checkpoint.FILE + " (the CAAE run has not finished an epoch)");
        }
        SemFormerRun manifest = new SemFormerRun(SemFormerRun.FORMAT, seg ? SemFormerRun.METHOD_SEG : SemFormerRun.METHOD_CAAE,
                classes, cfg, dataRoot.toAbsolutePath().toString(), split, device.toString(),
                seg ? caaeRun.toAbsolutePath().toString() : null,
                pretrained == null ? null : pretrained.toAbsolutePath().toString());
        if (resume) {
            SemFormerRun previous = SemFormerRun.read(run);
            if (!previous.train().equals(cfg) || !previous.classes().equals(classes)) {
                throw new WeaktrException("--resume: " + run + " was trained with other settings (" + previous.train()
                        + "); resume with the same flags");
            }
        } else if (Files.exists(run.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(run + " already holds a trained run; pass --resume to continue it, or choose a new --out");
        }
        int stepsPerEpoch = Math.max(1, data.size() / cfg.batch());
        long total = (long) stepsPerEpoch * cfg.epochs();
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, cfg.seed());
            TrainingLoop.Method method;
            if (seg) {
                CaaeConfig caaeCfg = caaeManifest.caaeConfig();
                Parameters frozen = new Parameters(manager, DataType.FLOAT32, cfg.seed(), false);
                ClassAwareAutoEncoder caae = new ClassAwareAutoEncoder(frozen, caaeCfg);
                Path best = caaeRun.resolve(BestCheckpoint.FILE); // the official code saves only the best CAAE epoch
                Path caaeWeights = Files.exists(best) ? best : caaeRun.resolve(Checkpoint.FILE);
                Checkpoint.load(caaeWeights, frozen, null);
                console.println("frozen CAAE: " + caaeWeights);
                SemFormerConfig netCfg = manifest.segmentorConfig();
                if (netCfg.classDim() != caaeCfg.classDim()) {
                    throw new WeaktrException(caaeRun.resolve(SemFormerRun.FILE) + ": a " + caaeManifest.train().model()
                            + " CAAE (E = " + caaeCfg.classDim() + ") for a " + cfg.model() + " segmentor (E = "
                            + netCfg.classDim() + "); train both stages with the same --backbone");
                }
                SemFormerNet net = new SemFormerNet(params, netCfg);
                if (pretrained != null && !resume) {
                    console.println(SemFormerPretrained.segmentor(WeightFile.read(pretrained), params, netCfg));
                }
                method = new SegStep(net, caae, data, cfg, manager, params,
                        dev.weaktr.train.EpochValidation.of(validation, run, resume, console));
            } else {
                CaaeConfig caaeCfg = cfg.caae(classes.size());
                ClassAwareAutoEncoder caae = new ClassAwareAutoEncoder(params, caaeCfg);
                if (pretrained != null && !resume) {
                    console.println(SemFormerPretrained.caae(WeightFile.read(pretrained), params, caaeCfg));
                }
                method = new CaaeStep(caae, params, data, cfg, manager, BestCheckpoint.forRun(run, resume));
            }
            manifest.write(run);
            Sgd sgd = new Sgd(params, SemFormerRecipe.MOMENTUM, true,
                    name -> SemFormerRecipe.weightDecay(name, cfg.weightDecay()), SemFormerRecipe::lrScale);
            TrainingLoop.Config loop = new TrainingLoop.Config(cfg.epochs(), stepsPerEpoch, "epoch",
                    (r, updates) -> cfg.lr() * SemFormerRecipe.lrFactor(updates, total), 0, cfg.seed(), false);
            TrainingLoop trainingLoop = new TrainingLoop(console);
            Map<String, Double> last = trainingLoop.run(run, resume, params, sgd, loop, method);
            return new Result(run, cfg.epochs(), total, last, (System.nanoTime() - t0) / 1e9,
                    trainingLoop.medianStepSeconds());
        }
    }

    /** Labels with background first: [B, K]. */
    private static float[] labels(VocDataset data, String id, int k) {
        boolean[] fg = data.labels(id);
        float[] y = new float[k];
        y[0] = 1;
        for (int c = 0; c < fg.length; c++) {
            y[c + 1] = fg[c] ? 1 : 0;
        }
        return y;
    }

    /**
     * Stage 1: one CAAE step; after every epoch the official selection score ({@link CaaeSelection}) over the split,
     * each image resized (PIL bilinear) to the crop, and {@value BestCheckpoint#FILE} kept for the best epoch.
     */
    private static final class CaaeStep implements TrainingLoop.Method {
        private final ClassAwareAutoEncoder caae;
        private final Parameters params;
        private final VocDataset data;
        private final SemFormerTrainConfig cfg;
        private final NDManager manager;
        private final BestCheckpoint best;
        private List<String> order;

        CaaeStep(ClassAwareAutoEncoder caae, Parameters params, VocDataset data, SemFormerTrainConfig cfg,
                NDManager manager, BestCheckpoint best) {
            this.caae = caae;
            this.params = params;
            this.data = data;
            this.cfg = cfg;
            this.manager = manager;
            this.best = best;
        }

        @Override
        public void endRound(int roundsDone, Map<String, Object> record) {
            int s = cfg.crop(), k = caae.config().classes(), n = data.size();
            float[][] sims = new float[n][];
            float[][] labels = new float[n][];
            for (int i = 0; i < n; i++) {
                String id = data.ids().get(i);
                labels[i] = labels(data, id, k);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] chw = Normalize.toChw(PilResize.bilinear(data.readImage(id), s, s));
                    NDArray x = manager.create(chw, new Shape(1, 3, s, s));
                    sims[i] = ClassAwareAutoEncoder.cosine(caae.cre(x), caae.crs().expandDims(0)).toFloatArray();
                }
            }
            CaaeSelection.Score score = CaaeSelection.best(sims, labels);
            record.put("train_map", score.map());
            record.put("threshold", score.threshold());
            if (best.offer(params, roundsDone, "train_map", score.map(), Map.of("task", SemFormerRun.METHOD_CAAE))) {
                record.put("best", true);
            }
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", SemFormerRun.METHOD_CAAE);
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.crop(), k = caae.config().classes(), n = 3 * s * s;
            float[] images = new float[b * n];
            float[] y = new float[b * k];
            for (int i = 0; i < b; i++) {
                String id = order.get((stepInRound * b + i) % order.size());
                System.arraycopy(SemFormerAugment.caae(data.readImage(id), s, rng.split()), 0, images, i * n, n);
                System.arraycopy(labels(data, id, k), 0, y, i * k, k);
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, 3, s, s));
                NDArray labels = manager.create(y, new Shape(b, k));
                Map<String, Double> terms = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    CaaeLoss.Terms t = CaaeLoss.of(caae.forward(x, labels), x, labels);
                    terms.put("loss", (double) t.total().getFloat());
                    terms.put("loss_ss", (double) t.similarity().getFloat());
                    terms.put("loss_recon", (double) t.reconstruction().getFloat());
                    gc.backward(t.total());
                }
                return terms;
            }
        }
    }

    /** Stage 2: one segmentor step through the frozen CAAE. */
    private static final class SegStep implements TrainingLoop.Method {
        private final SemFormerNet net;
        private final ClassAwareAutoEncoder caae;
        private final VocDataset data;
        private final SemFormerTrainConfig cfg;
        private final NDManager manager;
        private final Parameters params;
        private final dev.weaktr.train.EpochValidation<SemFormerNet> validation;
        private List<String> order;

        SegStep(SemFormerNet net, ClassAwareAutoEncoder caae, VocDataset data, SemFormerTrainConfig cfg, NDManager manager,
                Parameters params, dev.weaktr.train.EpochValidation<SemFormerNet> validation) {
            this.net = net;
            this.caae = caae;
            this.data = data;
            this.cfg = cfg;
            this.manager = manager;
            this.params = params;
            this.validation = validation;
        }

        @Override
        public void endRound(int roundsDone, Map<String, Object> record) {
            if (validation != null) { // train_semformer.py: evaluate() after every epoch, save the best
                validation.afterEpoch(roundsDone, cfg.epochs(), net, manager, params, Map.of("task", SemFormerRun.METHOD_SEG),
                        record);
            }
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", SemFormerRun.METHOD_SEG);
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.crop(), k = net.config().classes(), n = 3 * s * s;
            int a = caae.config().imageSize();
            float[] images = new float[b * n];
            float[][] y = new float[b][];
            float[] valid = new float[b * a * a];
            for (int i = 0; i < b; i++) {
                String id = order.get((stepInRound * b + i) % order.size());
                SemFormerAugment.Sample sample = SemFormerAugment.segmentor(data.readImage(id), s, rng.split());
                System.arraycopy(sample.image(), 0, images, i * n, n);
                y[i] = labels(data, id, k);
                // create_mask((box · A/S).floor()): rows y0..y1, columns x0..x1 of the AE-sized image
                int[] bx = sample.box();
                int x0 = (int) Math.floor(bx[0] * (a / (double) s)), y0 = (int) Math.floor(bx[1] * (a / (double) s));
                int x1 = (int) Math.floor(bx[2] * (a / (double) s)), y1 = (int) Math.floor(bx[3] * (a / (double) s));
                for (int r = y0; r < y1; r++) {
                    for (int c = x0; c < x1; c++) {
                        valid[(i * a + r) * a + c] = 1;
                    }
                }
            }
            SplittableRandom dropout = rng.split();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, 3, s, s));
                NDArray aeImages = BilinearResize.resize(x, a, a, true); // F.interpolate(bilinear, align_corners=True)
                NDArray validMask = manager.create(valid, new Shape(b, 1, a, a));
                Map<String, Double> terms = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    SemFormerLoss.Result r = SemFormerLoss.compute(net.forward(x, dropout), caae, aeImages, y, validMask,
                            SemFormerLoss.Weights.OFFICIAL);
                    SemFormerLoss.Terms t = r.terms();
                    terms.put("loss", (double) t.total().getFloat());
                    terms.put("loss_ss", (double) t.ss().getFloat());
                    terms.put("loss_cf", (double) t.cf().getFloat());
                    terms.put("loss_cb", (double) t.cb().getFloat());
                    terms.put("loss_as", (double) t.as().getFloat());
                    terms.put("loss_ac", (double) t.ac().getFloat());
                    gc.backward(t.total());
                }
                return terms;
            }
        }
    }
}
