package dev.weaktr.afa;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.backbone.MitConfig;
import dev.weaktr.cam.CamLoss;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.DatasetChecker;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.AdamW;
import dev.weaktr.train.Batches;
import dev.weaktr.train.TrainingLoop;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * AFA's single-stage training (peers.md §2.2–2.3) on the shared {@link TrainingLoop}: per iteration the
 * multi-scale CAM (no gradient), the refined pseudo label, the affinity label and loss, the random-walk label
 * (after the switch iteration), the balanced segmentation CE and the classification loss; AdamW with the official
 * parameter groups and the warm-up + poly schedule.
 *
 * <p>Departures from the official loop, none changing a gradient: the CAM passes run before the training forward
 * (the official order is the reverse; both run in train mode, so only the order of BatchNorm running-statistics
 * updates differs), and while only the classification loss counts ({@code step ≤ cam_iters}) the labels are not
 * computed (the official code computes them and multiplies their losses by 0).
 */
public final class AfaTrainer {
    static final double[] CAM_SCALES = {1.0, 0.5, 1.5};
    private final PrintStream console;
    private Runnable beforeBackward = () -> {};

    public AfaTrainer(PrintStream console) {
        this.console = console;
    }

    /** Runs {@code hook} in every step between the forward pass and the backward pass (tests force a GC there). */
    AfaTrainer beforeBackward(Runnable hook) {
        this.beforeBackward = hook;
        return this;
    }

    /** What a finished run reports; {@code medianStepSeconds} covers this invocation's steps (optimizer update included). */
    public record Result(Path run, int iterations, Map<String, Double> last, double seconds, double medianStepSeconds) {}

    public Result train(Path dataRoot, String split, Path run, String backbone, AfaTrainConfig cfg, Device device,
            boolean resume, Path pretrained) {
        return train(dataRoot, split, run, backbone, cfg, device, resume, pretrained, Integer.MAX_VALUE);
    }

    /** As {@link #train}, but returns after {@code stopAfterRounds} checkpoint rounds. */
    Result train(Path dataRoot, String split, Path run, String backbone, AfaTrainConfig cfg, Device device,
            boolean resume, Path pretrained, int stopAfterRounds) {
        if (cfg.crop() % 16 != 0 || (cfg.crop() * 3 / 2) % 16 != 0) {
            throw new WeaktrException("--crop " + cfg.crop() + ": AFA needs the crop and 1.5x the crop to be multiples of 16"
                    + " (e.g. 32, 64, 96, 320, 512)");
        }
        if (cfg.iterations() < 1 || cfg.batch() < 1) {
            throw new WeaktrException("--iters and --batch must be at least 1");
        }
        MitConfig mitCheck = MitConfig.preset(backbone);
        int minCrop = 2 * mitCheck.strides()[0] * mitCheck.srRatios()[0]; // the 0.5x CAM pass must fit stage 1's reduction
        if (cfg.crop() < minCrop) {
            throw new WeaktrException("--crop " + cfg.crop() + " is too small for " + backbone + ": the 0.5x CAM pass needs"
                    + " a crop of at least " + minCrop);
        }
        DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        data.notices().forEach(n -> console.println("note: " + n));
        MitConfig mit = MitConfig.preset(backbone);
        AfaConfig net = AfaConfig.of(mit, data.classes().numForeground());
        AfaRun manifest = new AfaRun(AfaRun.FORMAT, AfaRun.METHOD, mit.name(), net.embedDim(), data.classes().names(), cfg,
                dataRoot.toAbsolutePath().toString(), split, device.toString(),
                pretrained == null ? null : pretrained.toAbsolutePath().toString(), mit);
        if (resume) {
            AfaRun previous = AfaRun.read(run);
            if (!previous.backbone().equals(manifest.backbone()) || !previous.classes().equals(manifest.classes())
                    || !previous.train().equals(cfg)) {
                throw new WeaktrException("--resume: " + run + " was trained with other settings (" + previous.backbone()
                        + ", " + previous.train() + "); resume with the same flags");
            }
        } else if (java.nio.file.Files.exists(run.resolve(dev.weaktr.train.Checkpoint.FILE))) {
            throw new WeaktrException(run + " already holds a trained run; pass --resume to continue it, or choose a new --out");
        }
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, cfg.seed());
            AfaNet model = new AfaNet(params, net);
            if (pretrained != null && !resume) {
                console.println(model.encoder().loadPretrained(pretrained, false).summary());
            }
            manifest.write(run);
            AdamW adam = new AdamW(params, 0.9, 0.999, 1e-8, cfg.weightDecay(), AfaNet::lrScale);
            int round = cfg.roundIterations();
            int rounds = (cfg.iterations() + round - 1) / round;
            // PolyWarmupAdamW: the factor of its own global_step, i.e. of the updates done
            TrainingLoop.Config loop = new TrainingLoop.Config(rounds, round, "iterations",
                    (r, updates) -> cfg.lr() * cfg.lrFactor(updates), 0, cfg.seed(), false);
            Step step = new Step(model, data, cfg, manager, beforeBackward);
            TrainingLoop trainingLoop = new TrainingLoop(console);
            Map<String, Double> last = trainingLoop.run(run, resume, params, adam, loop, step, stopAfterRounds);
            return new Result(run, cfg.iterations(), last, (System.nanoTime() - t0) / 1e9, trainingLoop.medianStepSeconds());
        }
    }

    /** {@code x·std + mean} per channel: the 0–255 crop {@code get_energy_loss} gives the energy ({@code [B, 3, S, S]}). */
    static float[] denormalised(float[] images, int b, int hw) {
        float[] out = new float[images.length];
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < 3; c++) {
                int base = (i * 3 + c) * hw;
                for (int j = 0; j < hw; j++) {
                    out[base + j] = images[base + j] * AfaLabels.STD[c] + AfaLabels.MEAN[c];
                }
            }
        }
        return out;
    }

    /** One AFA iteration, plugged into the loop. */
    private static final class Step implements TrainingLoop.Method {
        private final AfaNet model;
        private final VocDataset data;
        private final AfaTrainConfig cfg;
        private final NDManager manager;
        private final Runnable beforeBackward;
        private List<String> order;

        Step(AfaNet model, VocDataset data, AfaTrainConfig cfg, NDManager manager, Runnable beforeBackward) {
            this.model = model;
            this.data = data;
            this.cfg = cfg;
            this.manager = manager;
            this.beforeBackward = beforeBackward;
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", "afa");
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.crop(), c = model.config().numClasses(), hw = s * s;
            float[] images = new float[b * 3 * hw];
            float[] targets = new float[b * c];
            AfaLabels.Box[] boxes = new AfaLabels.Box[b];
            boolean[][] present = new boolean[b][];
            for (int i = 0; i < b; i++) {
                String id = order.get((stepInRound * b + i) % order.size());
                AfaCrop.Sample sample = AfaCrop.apply(data.readImage(id), s, cfg.scaleMin(), cfg.scaleMax(), rng.split());
                System.arraycopy(sample.image(), 0, images, i * 3 * hw, 3 * hw);
                boxes[i] = sample.box();
                present[i] = data.labels(id);
                for (int k = 0; k < c; k++) {
                    targets[i * c + k] = present[i][k] ? 1f : 0f;
                }
            }
            SplittableRandom netRng = rng.split();
            boolean allTerms = step > cfg.camIterations(); // official: n_iter <= cam_iters trains the classifier only
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, 3, s, s));
                NDArray y = manager.create(targets, new Shape(b, c));
                int[] segLabels = null, affLabels = null;
                if (allTerms) {
                    AfaCam.Result cam = AfaCam.multiScale(model, x, CAM_SCALES, netRng);
                    float[] cams = cam.cam().toFloatArray();
                    float[] aff = cam.affinity().toFloatArray();
                    int n = cam.gridH() * cam.gridW(), grid = (s / 16) * (s / 16);
                    segLabels = new int[b * hw];
                    affLabels = new int[b * grid * grid];
                    for (int i = 0; i < b; i++) {
                        float[] image01 = AfaLabels.image01(Arrays.copyOfRange(images, i * 3 * hw, (i + 1) * 3 * hw), s, s);
                        float[] ci = Arrays.copyOfRange(cams, i * c * hw, (i + 1) * c * hw);
                        int[] refined = AfaLabels.refinedLabel(image01, ci, present[i], s, s, boxes[i]);
                        System.arraycopy(AfaLabels.affinityLabel(refined, s, s, cfg.radius()), 0, affLabels, i * grid * grid,
                                grid * grid);
                        // official: "if n_iter <= 6000: refined_aff_label = refined_pseudo_label"
                        int[] seg = step <= cfg.switchIteration() ? refined : AfaLabels.randomWalkLabel(image01, ci, present[i],
                                Arrays.copyOfRange(aff, i * n * n, (i + 1) * n * n), cam.gridH(), cam.gridW(), cfg.radius(), s, s, boxes[i]);
                        System.arraycopy(seg, 0, segLabels, i * hw, hw);
                    }
                }
                Map<String, Double> terms = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    AfaNet.Output out = model.forward(x, netRng);
                    NDArray cls = CamLoss.multiLabelSoftMargin(out.cls(), y);
                    NDArray total = cls;
                    if (allTerms) {
                        NDArray seg = AfaLoss.balancedCrossEntropy(BilinearResize.resize(out.seg(), s, s), segLabels);
                        NDArray aff = AfaLoss.affinity(out.affinity(), affLabels);
                        total = AfaLoss.total(cls, seg, aff);
                        NDArray reg = null;
                        if (cfg.rloss() > 0) {
                            // the commented-out "+ 0.01 * reg_loss" on get_energy_loss(img=inputs, label=refined_aff_label)
                            float[] pixels = denormalised(images, b, hw);
                            reg = DenseEnergyLoss.loss(BilinearResize.resize(out.seg(), s, s), pixels, segLabels, boxes,
                                    DenseEnergyLoss.LAYER_WEIGHT);
                            total = total.add(reg.mul(dev.weaktr.nn.Ops.scalar(reg, cfg.rloss())));
                        }
                        terms.put("loss", (double) total.getFloat());
                        terms.put("loss_cls", (double) cls.getFloat());
                        terms.put("loss_seg", (double) seg.getFloat());
                        terms.put("loss_aff", (double) aff.getFloat());
                        if (reg != null) {
                            terms.put("loss_reg", (double) reg.getFloat());
                        }
                    } else {
                        terms.put("loss", (double) total.getFloat());
                        terms.put("loss_cls", (double) cls.getFloat());
                    }
                    beforeBackward.run();
                    gc.backward(total);
                }
                return terms;
            }
        }
    }
}
