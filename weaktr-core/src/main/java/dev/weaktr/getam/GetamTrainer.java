package dev.weaktr.getam;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.WeaktrException;
import dev.weaktr.afa.AfaLabels;
import dev.weaktr.afa.DenseEnergyLoss;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.cam.CamLoss;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.DatasetChecker;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Batches;
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
 * GETAM's single-stage training (peers.md §3.4–3.5; official {@code train_from_init.py}) on the shared
 * {@link TrainingLoop}:
 * <ul>
 *   <li>phase 1 (while {@code (t − 1) < cls_step·T}): the classification forward and MLSM only;</li>
 *   <li>phase 2 (lr × 0.1): the classification forward, one backward per image and present class for the
 *   {@link GetamMap} (parameter gradients then zeroed), PAMR with the 0–255 crop, max-normalisation,
 *   {@link LabelCompletion} with the saliency; a second forward (both heads, train mode); loss
 *   {@code CE_bg + CE_fg + L_sal + L_cls}.</li>
 * </ul>
 * SGD with the PolyOptimizer quirk (momentum 5e-4, no weight decay, poly 0.9), over all parameters.
 *
 * <p>L_dCRF is the dense-CRF regularised loss (rloss, peers.md §0.4) shared with AFA ({@link DenseEnergyLoss}, the
 * permutohedral lattice at half size, σ_rgb 15, σ_xy 100), with GETAM's layer weight
 * {@link GetamTrainConfig#DENSE_CRF_WEIGHT} (official {@code --densecrfloss 1e-7}) on the softmax of the
 * full-resolution logits, the 0–255 crop ({@code ori_images}), the completed label (255 → gate 1) and the crop's valid
 * box ({@code croppings}), as {@code myTool.compute_joint_loss}. Without {@code --saliency} the method runs in its
 * image-level-only form: every pixel of the crop counts as salient (the padding does not), and there is no saliency
 * loss.
 */
public final class GetamTrainer {
    private final PrintStream console;

    public GetamTrainer(PrintStream console) {
        this.console = console;
    }

    /** What a finished run reports. */
    public record Result(Path run, int iterations, Map<String, Double> last, double seconds) {}

    public Result train(Path dataRoot, String split, Path run, String backbone, int features, GetamTrainConfig cfg,
            Path saliencyDir, Device device, boolean resume, Path pretrained) {
        return train(dataRoot, split, run, backbone, features, cfg, saliencyDir, device, resume, pretrained,
                Integer.MAX_VALUE);
    }

    Result train(Path dataRoot, String split, Path run, String backbone, int features, GetamTrainConfig cfg,
            Path saliencyDir, Device device, boolean resume, Path pretrained, int stopAfterRounds) {
        if (cfg.crop() % 32 != 0) {
            throw new WeaktrException("--crop " + cfg.crop() + ": GETAM's DPT needs a multiple of 32 (e.g. 64, 128, 256)");
        }
        if (cfg.iterations() < 1 || cfg.batch() < 1) {
            throw new WeaktrException("--iters and --batch must be at least 1");
        }
        DptVitConfig bc = DptVitConfig.preset(backbone);
        DatasetChecker.requireTrainable(dataRoot, split, console);
        VocDataset data = VocDataset.open(dataRoot, split);
        data.notices().forEach(n -> console.println("note: " + n));
        SaliencyMaps saliency = saliencyDir == null ? null : new SaliencyMaps(saliencyDir);
        if (saliency != null) {
            saliency.requireAll(data.ids());
        }
        GetamConfig net = new GetamConfig(bc, data.classes().numForeground(), features);
        GetamRun manifest = new GetamRun(GetamRun.FORMAT, GetamRun.METHOD, bc.name(), features, data.classes().names(),
                cfg, dataRoot.toAbsolutePath().toString(), split,
                saliencyDir == null ? null : saliencyDir.toAbsolutePath().toString(), device.toString(),
                pretrained == null ? null : pretrained.toAbsolutePath().toString());
        if (resume) {
            GetamRun previous = GetamRun.read(run);
            if (previous.train() == null) {
                throw new WeaktrException("--resume: " + run + " was imported (import --kind getam), not trained here; "
                        + "train into a new --out");
            }
            if (!previous.backbone().equals(manifest.backbone()) || !previous.classes().equals(manifest.classes())
                    || !previous.train().equals(cfg)) {
                throw new WeaktrException("--resume: " + run + " was trained with other settings (" + previous.backbone()
                        + ", " + previous.train() + "); resume with the same flags");
            }
        } else if (Files.exists(run.resolve(dev.weaktr.train.Checkpoint.FILE))) {
            throw new WeaktrException(run + " already holds a trained run; pass --resume to continue it, or choose a new --out");
        }
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Parameters params = new Parameters(manager, DataType.FLOAT32, cfg.seed());
            GetamNet model = new GetamNet(params, net);
            if (pretrained != null && !resume) {
                console.println(model.backbone().loadPretrained(pretrained, false).summary());
            }
            manifest.write(run);
            Sgd sgd = new Sgd(params, cfg.momentum(), false, 0, name -> 1.0);
            int round = cfg.roundIterations();
            int rounds = (cfg.iterations() + round - 1) / round;
            TrainingLoop.Config loop = new TrainingLoop.Config(rounds, round, "iterations",
                    (r, updates) -> cfg.lrAt(updates), 0, cfg.seed(), false);
            Step step = new Step(model, params, data, saliency, cfg, manager);
            Map<String, Double> last = new TrainingLoop(console).run(run, resume, params, sgd, loop, step, stopAfterRounds);
            return new Result(run, cfg.iterations(), last, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** One GETAM iteration, plugged into the loop. */
    private static final class Step implements TrainingLoop.Method {
        private final GetamNet model;
        private final Parameters params;
        private final VocDataset data;
        private final SaliencyMaps saliency;
        private final GetamTrainConfig cfg;
        private final NDManager manager;
        private final Pamr pamr = Pamr.official();
        private List<String> order;

        Step(GetamNet model, Parameters params, VocDataset data, SaliencyMaps saliency, GetamTrainConfig cfg,
                NDManager manager) {
            this.model = model;
            this.params = params;
            this.data = data;
            this.saliency = saliency;
            this.cfg = cfg;
            this.manager = manager;
        }

        @Override
        public void startRound(int round, SplittableRandom rng) {
            order = Batches.shuffled(data.ids(), rng);
        }

        @Override
        public Map<String, String> checkpointMeta() {
            return Map.of("task", "getam");
        }

        @Override
        public Map<String, Double> step(long step, int stepInRound, SplittableRandom rng) {
            int b = cfg.batch(), s = cfg.crop(), c = model.config().numClasses(), hw = s * s;
            float[] images = new float[b * 3 * hw];
            float[] targets = new float[b * c];
            GetamCrop.Sample[] samples = new GetamCrop.Sample[b];
            boolean[][] present = new boolean[b][];
            for (int i = 0; i < b; i++) {
                String id = order.get((stepInRound * b + i) % order.size());
                RgbImage img = data.readImage(id);
                float[] sal = saliency == null ? null : saliency.read(id, img.width(), img.height());
                samples[i] = GetamCrop.apply(img, sal, s, rng.split());
                System.arraycopy(samples[i].image(), 0, images, i * 3 * hw, 3 * hw);
                present[i] = data.labels(id);
                for (int k = 0; k < c; k++) {
                    targets[i * c + k] = present[i][k] ? 1f : 0f;
                }
            }
            SplittableRandom netRng = rng.split();
            boolean segPhase = cfg.segmentationPhase(step);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = manager.create(images, new Shape(b, 3, s, s));
                NDArray y = manager.create(targets, new Shape(b, c));
                Map<String, Double> terms = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    if (!segPhase) {
                        NDArray cls = CamLoss.multiLabelSoftMargin(model.forwardCls(x, netRng, null).cls(), y);
                        terms.put("loss", (double) cls.getFloat());
                        terms.put("loss_cls", (double) cls.getFloat());
                        gc.backward(cls);
                        return terms;
                    }
                    int[] labels = new int[b * hw];
                    float[] salTarget = new float[b * hw];
                    try (NDScope camScope = new NDScope()) {
                        camScope.suppressNotUsedWarning();
                        GetamMap.Result maps = GetamMap.compute(model, x, present,
                                GetamMap.startLayer(model.config().backbone()), netRng);
                        for (int i = 0; i < b; i++) {
                            LabelCompletion.Result r = complete(samples[i], maps.maps()[i], present[i], s);
                            System.arraycopy(r.label(), 0, labels, i * hw, hw);
                            System.arraycopy(GetamLoss.saliencyTarget(r.saliency(), cfg.saliencyBitExact()), 0,
                                    salTarget, i * hw, hw);
                        }
                    }
                    params.zeroGradients(); // the official model.zero_grad() before the second forward
                    GetamNet.Output out = model.forward(x, netRng);
                    NDArray ce = GetamLoss.crossEntropy(out.seg(), labels);
                    NDArray cls = CamLoss.multiLabelSoftMargin(out.cls(), y);
                    NDArray total = ce.add(cls);
                    NDArray sal = null;
                    if (saliency != null && cfg.saliencyLoss()) {
                        sal = GetamLoss.saliency(out.seg(), salTarget);
                        total = total.add(sal);
                    }
                    NDArray dcrf = null;
                    if (cfg.denseCrfWeight() > 0) { // compute_joint_loss: rloss on the crop's 0-255 pixels and valid box
                        float[] ori = new float[b * 3 * hw];
                        AfaLabels.Box[] boxes = new AfaLabels.Box[b];
                        for (int i = 0; i < b; i++) {
                            System.arraycopy(samples[i].ori(), 0, ori, i * 3 * hw, 3 * hw);
                            boxes[i] = new AfaLabels.Box(samples[i].top(), samples[i].bottom(), samples[i].left(),
                                    samples[i].right());
                        }
                        dcrf = DenseEnergyLoss.loss(out.seg(), ori, labels, boxes, cfg.denseCrfWeight());
                        total = total.add(dcrf);
                    }
                    terms.put("loss", (double) total.getFloat());
                    terms.put("loss_ce", (double) ce.getFloat());
                    terms.put("loss_cls", (double) cls.getFloat());
                    if (sal != null) {
                        terms.put("loss_sal", (double) sal.getFloat());
                    }
                    if (dcrf != null) {
                        terms.put("loss_dcrf", (double) dcrf.getFloat());
                    }
                    gc.backward(total);
                }
                return terms;
            }
        }

        /** PAMR on the 0–255 crop, max-normalisation, then label completion (official phase-2 loop). */
        private LabelCompletion.Result complete(GetamCrop.Sample sample, float[][] maps, boolean[] present, int s) {
            int c = maps.length, hw = s * s;
            float[] stacked = new float[c * hw];
            for (int k = 0; k < c; k++) {
                System.arraycopy(maps[k], 0, stacked, k * hw, hw);
            }
            float[] refined = pamr.refine(sample.ori(), 3, s, s, stacked, c, s, s);
            LabelCompletion.maxNormalise(refined, c, hw);
            boolean[] salient = new boolean[hw];
            for (int p = 0; p < hw; p++) {
                // without saliency maps: every image pixel is salient, the padding is not
                salient[p] = sample.saliency() == null ? sample.valid()[p] : sample.saliency()[p] > 0;
            }
            return LabelCompletion.complete(refined, present, salient, s, s, cfg.cutThreshold());
        }
    }
}
