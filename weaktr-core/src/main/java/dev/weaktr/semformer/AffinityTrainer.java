package dev.weaktr.semformer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamStore;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.MeanField;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.DatasetChecker;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Batches;
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
 * SemFormer's third stage (peers.md §4.4): the affinity labels of a CAMS folder ({@link AffinityLabels#confident},
 * written once to {@code RUN/labels/<id>.png}, so a resumed run reuses them), then AffinityNet trained on them on the
 * shared {@link TrainingLoop} (an epoch is a round: checkpoint, resume point, log line). The ResNet stays frozen
 * (saved once as {@value AffinityRun#BACKBONE}); only the edge layers train, with the official PolyOptimizer as shipped:
 * SGD whose momentum slot holds the weight decay (1e-4), Nesterov, weight decay 1e-4 on every edge tensor,
 * lr·(1 − t/T)^0.9.
 */
public final class AffinityTrainer {
    private final PrintStream console;

    public AffinityTrainer(PrintStream console) {
        this.console = console;
    }

    public record Result(Path run, int epochs, long steps, Map<String, Double> last, double seconds,
            double medianStepSeconds, int labelled) {}

    public Result train(Path dataRoot, String split, Path cams, Path run, AffinityTrainConfig cfg, Device device,
            boolean resume, Path pretrained) {
        DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        List<String> classes = data.classes().names();
        CamStore store = CamStore.open(cams);
        for (String id : data.ids()) {
            if (!store.contains(id)) {
                throw new WeaktrException(cams.resolve(CamStore.INDEX) + ": no CAM of image " + id + " of split " + split
                        + " (make the CAMs of this split with 'weaktr cams --run SEMFORMER_RUN --split " + split + "')");
            }
        }
        AffinityRun manifest = new AffinityRun(AffinityRun.FORMAT, AffinityRun.METHOD, classes, cfg,
                dataRoot.toAbsolutePath().toString(), split, cams.toAbsolutePath().toString(), device.toString(),
                pretrained == null ? null : pretrained.toAbsolutePath().toString());
        if (resume) {
            AffinityRun previous = AffinityRun.read(run);
            if (!previous.train().equals(cfg) || !previous.classes().equals(classes)) {
                throw new WeaktrException("--resume: " + run + " was trained with other settings (" + previous.train()
                        + "); resume with the same flags");
            }
        } else if (Files.exists(run.resolve(Checkpoint.FILE))) {
            throw new WeaktrException(run + " already holds a trained run; pass --resume to continue it, or choose a new --out");
        }
        manifest.write(run);
        long t0 = System.nanoTime();
        int labelled = writeLabels(data, store, run.resolve(AffinityRun.LABELS));
        int stepsPerEpoch = Math.max(1, data.size() / cfg.batch());
        long total = (long) stepsPerEpoch * cfg.epochs();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters backbone = new Parameters(manager, DataType.FLOAT32, cfg.seed(), false);
            Parameters edge = new Parameters(manager, DataType.FLOAT32, cfg.seed() + 1);
            AffinityNet net = new AffinityNet(backbone, edge, cfg.net());
            Path backboneFile = run.resolve(AffinityRun.BACKBONE);
            if (resume && Files.exists(backboneFile)) {
                Checkpoint.load(backboneFile, backbone, null);
            } else {
                if (pretrained != null) {
                    console.println("backbone: " + net.backbone().loadPretrained(pretrained, false).loaded().size()
                            + " tensors from " + pretrained);
                } else {
                    console.println("note: no --pretrained ResNet: the frozen backbone keeps its random init (the official "
                            + "code starts from ImageNet weights)");
                }
                Checkpoint.save(backboneFile, backbone, null, 0, Map.of("task", AffinityRun.METHOD));
            }
            Sgd sgd = new Sgd(edge, cfg.weightDecay(), true, name -> cfg.weightDecay(), name -> 1.0);
            TrainingLoop.Config loop = new TrainingLoop.Config(cfg.epochs(), stepsPerEpoch, "epoch",
                    (r, updates) -> cfg.lr() * SemFormerRecipe.lrFactor(updates, total), 0, cfg.seed(), false);
            TrainingLoop trainingLoop = new TrainingLoop(console);
            Map<String, Double> last = trainingLoop.run(run, resume, edge, sgd, loop,
                    new Step(net, data, run.resolve(AffinityRun.LABELS), cfg, manager));
            return new Result(run, cfg.epochs(), total, last, (System.nanoTime() - t0) / 1e9,
                    trainingLoop.medianStepSeconds(), labelled);
        }
    }

    /** Writes the affinity labels of every image that has none yet; returns how many it wrote. */
    private int writeLabels(VocDataset data, CamStore store, Path dir) {
        MeanField worker = new MeanField();
        int written = 0, n = 0;
        for (String id : data.ids()) {
            Path file = dir.resolve(id + ".png");
            n++;
            if (Files.exists(file)) {
                continue;
            }
            RgbImage image = data.readImage(id);
            CamInference.Cams cams = store.read(id);
            if (cams.height() != image.height() || cams.width() != image.width()) {
                throw new WeaktrException(store + ": the CAM of " + id + " is " + cams.height() + "x" + cams.width()
                        + ", the image " + image.height() + "x" + image.width());
            }
            byte[] labels = AffinityLabels.confident(worker, image, cams.maps(), cams.classes(), CrfConfig.SEMFORMER_AFF);
            LabelPng.write(file, new LabelPng.LabelMap(labels, image.width(), image.height()));
            written++;
            if (written % 50 == 0 || n == data.size()) {
                console.printf("affinity labels: %d/%d images%n", n, data.size());
            }
        }
        return written;
    }

    /** One AffinityNet step: a batch of augmented crops, their pair labels, the affinity loss. */
    private static final class Step implements TrainingLoop.Method {
        private final AffinityNet net;
        private final VocDataset data;
        private final Path labels;
        private final AffinityTrainConfig cfg;
        private final NDManager manager;
        private final PathIndex index;
        private List<String> order;

        Step(AffinityNet net, VocDataset data, Path labels, AffinityTrainConfig cfg, NDManager manager) {
            this.net = net;
            this.data = data;
            this.labels = labels;
            this.cfg = cfg;
            this.manager = manager;
            int g = cfg.crop() / AffinityNet.Config.STRIDE;
            this.index = new PathIndex(net.config().trainRadius(), g, g);
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", AffinityRun.METHOD);
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.crop(), n = 3 * s * s, pm = index.dst().length;
            float[] images = new float[b * n];
            float[] bg = new float[b * pm], fg = new float[b * pm], neg = new float[b * pm];
            for (int i = 0; i < b; i++) {
                String id = order.get((stepInRound * b + i) % order.size());
                AffinityAugment.Sample sample = AffinityAugment.sample(data.readImage(id),
                        LabelPng.read(labels.resolve(id + ".png")), cfg, rng.split());
                System.arraycopy(sample.image(), 0, images, i * n, n);
                AffinityLabels.Pairs p = AffinityLabels.pairs(sample.labels(), index);
                System.arraycopy(p.bgPos(), 0, bg, i * pm, pm);
                System.arraycopy(p.fgPos(), 0, fg, i * pm, pm);
                System.arraycopy(p.neg(), 0, neg, i * pm, pm);
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, 3, s, s));
                Shape ps = new Shape(b, index.directions(), index.sources());
                Map<String, Double> terms = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray aff = AffinityNet.toAffinity(Activation.sigmoid(net.edge(x)), index);
                    AffinityLoss.Terms t = AffinityLoss.of(aff, manager.create(bg, ps), manager.create(fg, ps),
                            manager.create(neg, ps));
                    terms.put("loss", (double) t.total().getFloat());
                    terms.put("loss_bg", (double) t.bg().getFloat());
                    terms.put("loss_fg", (double) t.fg().getFloat());
                    terms.put("loss_neg", (double) t.neg().getFloat());
                    gc.backward(t.total());
                }
                return terms;
            }
        }
    }
}
