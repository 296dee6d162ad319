package dev.weaktr.demo;

import ai.djl.Device;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.cam.CamTrainer;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.seg.SegPredictor;
import dev.weaktr.seg.SegTrainConfig;
import dev.weaktr.seg.SegTrainer;
import dev.weaktr.seg.SegmenterConfig;
import dev.weaktr.train.Recipe;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole WeakTr pipeline on generated data with the {@code cpu-demo} model: synth → train-cam (aaf and
 * mean-sum) → cams → eval-cam → seeds → retrain (gradient-clip and naive) → segment → eval → report. Every step is
 * the same public API the CLI commands call. {@code weaktr demo} starts both CAM networks from the shipped backbone
 * ({@link #BUILTIN_BACKBONE}, docs/pretrain.md) with the same recipes as from scratch.
 *
 * <p>The official recipes are made for ImageNet-pretrained DeiT-S and hours of GPU; the demo trains with the
 * {@link Recipe#FROM_SCRATCH} presets: a from-scratch model
 * with a few CPU minutes needs larger learning rates, no warm-up, milder crops, and an encoder for the
 * retraining that starts from the CAM network's backbone ({@code --init-from}).
 */
public final class Demo {
    private Demo() {}

    /** The demo's sizes and recipes. */
    public record Settings(int trainImages, int valImages, int size, int camEpochs, int segEpochs, long seed) {
        public static Settings defaults() {
            return new Settings(240, 60, 128, 20, 12, 0);
        }
    }

    /** CAM quality of one fusion: with the patch-attention refinement (eq. 6, the default) and without (the fused CAM, inner term of eq. 6). */
    public record CamRow(String fusion, double refined, double refinedThreshold, double fused, double fusedThreshold,
            double trainSeconds) {}

    /** Everything the demo's table shows. */
    public record Report(List<CamRow> cams, double seedMIoU, double seedThreshold, String seedSource, double segNaive,
            double segGradientClip, double keptFraction, Path picture, dev.weaktr.report.Report.Result report,
            List<Baselines.Score> baselines) {}

    private static final double[] CAM_SCALES = {1.0, 1.2}; // the official VOC generation command's scales

    public static Report run(Path out, Settings s, Device device, PrintStream console) {
        return run(out, s, null, device, console);
    }

    /** The single-class variant of the demo ({@code demo --single-class}): one class among unlabelled distractors. */
    public static final Synth.SingleClass SINGLE_CLASS = new Synth.SingleClass("spoked-ring", true, 0.35);

    /** @param singleClass the single-class benchmark to generate instead of the five-class one, or null */
    public static Report run(Path out, Settings s, Synth.SingleClass singleClass, Device device, PrintStream console) {
        return run(out, s, singleClass, null, device, console);
    }

    /**
     * The shipped backbone {@code weaktr demo} starts from (docs/pretrain.md); {@code demo --from-scratch} starts from
     * random weights instead.
     */
    public static final String BUILTIN_BACKBONE = "builtin:cpu-demo";

    /**
     * @param pretrained the backbone both CAM networks start from ({@code train-cam --pretrained}: a file or
     *     {@link #BUILTIN_BACKBONE}, extracted into {@code out}), or null for random weights; the retraining starts from
     *     the aaf CAM network's backbone either way. The recipes are the same with and without.
     */
    public static Report run(Path out, Settings s, Synth.SingleClass singleClass, String pretrained, Device device,
            PrintStream console) {
        CamTrainer.Pretrained start = pretrained == null ? null : new CamTrainer.Pretrained(
                dev.weaktr.weights.PretrainedSource.resolve(Path.of(pretrained), dev.weaktr.weights.WeightRegistry.standard(),
                        new dev.weaktr.weights.WeightCache(out.resolve("weights"))), true);
        Path data = out.resolve("data");
        console.println("== synth" + (singleClass == null ? "" : " --single-class " + singleClass.name() + " --distractors")
                + ": " + s.trainImages() + " train + " + s.valImages() + " val images -> " + data);
        Synth.generate(SynthConfig.of(s.trainImages(), s.valImages(), s.size(), s.seed()), singleClass, data);
        VocDataset train = VocDataset.open(data, "train");
        List<Baselines.Score> baselines = Baselines.evaluate(train, 0.0, 0.6, 0.01); // the bar every CAM row must clear
        console.print(Baselines.line(baselines));
        List<CamRow> rows = new ArrayList<>();
        Path bestCams = null;
        double bestMIoU = -1, bestThreshold = 0;
        String bestSource = null;
        for (String fusion : List.of("aaf", "mean-sum")) {
            Path run = out.resolve("cam-" + fusion);
            CamTrainer.Result trained = trainCam(data, run, fusion, s, singleClass == null ? "gap" : "topk", start, device, console);
            double[] scores = new double[4];
            for (boolean refine : new boolean[] {true, false}) {
                Path cams = out.resolve("cams-" + fusion + (refine ? "" : "-fused"));
                console.println("== cams " + (refine ? "(patch-refined)" : "(fused, --no-refine)") + " -> " + cams);
                CamPipeline.generate(run, data, "train", cams, CAM_SCALES, true, refine, device, console);
                CamEvaluator.Result r = CamEvaluator.evaluate(cams, train, 0.0, 0.6, 0.01);
                CamEvaluator.writeMetrics(cams.resolve("metrics.json"), r);
                Baselines.addToMetrics(cams.resolve("metrics.json"), baselines);
                scores[refine ? 0 : 2] = r.mIoU();
                scores[refine ? 1 : 3] = r.threshold();
                if (fusion.equals("aaf") && r.mIoU() > bestMIoU) {
                    bestMIoU = r.mIoU();
                    bestThreshold = r.threshold();
                    bestCams = cams;
                    bestSource = "aaf " + (refine ? "refined" : "fused");
                }
            }
            rows.add(new CamRow(fusion, scores[0], scores[1], scores[2], scores[3], trained.seconds()));
        }
        Path seeds = out.resolve("seeds");
        console.println("== seeds from the " + bestSource + " CAMs at threshold " + bestThreshold + " -> " + seeds);
        CamPipeline.seeds(bestCams, bestThreshold, Optional.empty(), 0, seeds);
        double seedMIoU = SegEvaluator.evaluate(seeds, train).mIoU();

        double[] seg = new double[2];
        double kept = Double.NaN;
        for (boolean clip : new boolean[] {true, false}) {
            String name = clip ? "gradient-clip" : "naive";
            Path run = out.resolve("seg-" + name);
            console.println("== retrain --decoder " + name + " -> " + run);
            SegTrainer.Result r = new SegTrainer(console).train(data, "train", seeds, run,
                    SegmenterConfig.of(VitConfig.CPU_DEMO.withImageSize(s.size()), train.classes().size()),
                    segRecipe(s, clip), SegTrainer.Init.fromCamRun(out.resolve("cam-aaf")), device, false);
            if (clip) {
                kept = r.keptFraction();
            }
            Path pred = out.resolve("pred-" + name);
            console.println("== segment val -> " + pred);
            SegPipeline.segment(run, data, "val", pred, new SegPredictor.Settings(new double[] {0.75, 1.0, 1.25}, true, 0.8,
                    Optional.empty()), false, device, console);
            SegEvaluator.Result e = SegEvaluator.evaluate(pred, VocDataset.open(data, "val"));
            SegEvaluator.writeMetrics(pred.resolve("metrics.json"), e);
            seg[clip ? 1 : 0] = e.mIoU();
        }
        Path picture = out.resolve("cams-summary.png");
        DemoSheet.write(VocDataset.open(data, "val"), List.of(out.resolve("pred-naive").resolve("overlays"),
                out.resolve("pred-gradient-clip").resolve("overlays")), 6, picture);
        dev.weaktr.report.Report.Result report = DemoReport.write(out, CAM_SCALES, device, console);
        return new Report(rows, seedMIoU, bestThreshold, bestSource, seg[0], seg[1], kept, picture, report, baselines);
    }

    /** @param scorePool gap (official) for the five-class data, topk for the single-class one (train-cam --score-pool) */
    private static CamTrainer.Result trainCam(Path data, Path run, String fusion, Settings s, String scorePool,
            CamTrainer.Pretrained pretrained, Device device, PrintStream console) {
        int classes = VocDataset.open(data, "train").classes().numForeground();
        CamNetConfig net = new CamNetConfig(VitConfig.CPU_DEMO.withImageSize(s.size()), classes, fusion, AafConfig.DEFAULT);
        CamTrainConfig cfg = CamTrainConfig.preset(Recipe.FROM_SCRATCH, s.size()).epochs(s.camEpochs()).seed(s.seed())
                .scorePool(scorePool).build();
        console.println("== train-cam --fusion " + fusion + " --score-pool " + scorePool + " (" + s.camEpochs() + " epochs"
                + (pretrained == null ? ", from scratch" : ", from " + pretrained.file()) + ") -> " + run);
        return new CamTrainer(console).train(data, "train", run, net, cfg, device, false, pretrained);
    }

    private static SegTrainConfig segRecipe(Settings s, boolean gradientClip) {
        return SegTrainConfig.preset(Recipe.FROM_SCRATCH, s.size()).epochs(s.segEpochs()).gradientClip(gradientClip)
                .seed(s.seed()).build();
    }
}
