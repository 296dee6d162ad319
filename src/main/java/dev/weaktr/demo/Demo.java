package dev.weaktr.demo;

import ai.djl.Device;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.cam.CamTrainer;
import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.seg.SegAugmentConfig;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.seg.SegPredictor;
import dev.weaktr.seg.SegTrainConfig;
import dev.weaktr.seg.SegTrainer;
import dev.weaktr.seg.SegmenterConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole WeakTr pipeline on generated data with the {@code cpu-demo} model: synth → train-cam (aaf and
 * mean-sum) → cams → eval-cam → seeds → retrain (gradient-clip and naive) → segment → eval → report. Every step is
 * the same public API the CLI commands call.
 *
 * <p>The official recipes are made for ImageNet-pretrained DeiT-S and hours of GPU; a from-scratch model
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
        Path data = out.resolve("data");
        console.println("== synth: " + s.trainImages() + " train + " + s.valImages() + " val images -> " + data);
        Synth.generate(SynthConfig.of(s.trainImages(), s.valImages(), s.size(), s.seed()), data);
        VocDataset train = VocDataset.open(data, "train");
        List<Baselines.Score> baselines = Baselines.evaluate(train, 0.0, 0.6, 0.01); // the bar every CAM row must clear
        console.print(Baselines.line(baselines));
        List<CamRow> rows = new ArrayList<>();
        Path bestCams = null;
        double bestMIoU = -1, bestThreshold = 0;
        String bestSource = null;
        for (String fusion : List.of("aaf", "mean-sum")) {
            Path run = out.resolve("cam-" + fusion);
            CamTrainer.Result trained = trainCam(data, run, fusion, s, device, console);
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

    private static CamTrainer.Result trainCam(Path data, Path run, String fusion, Settings s, Device device, PrintStream console) {
        int classes = Synth.classes().numForeground();
        CamNetConfig net = new CamNetConfig(VitConfig.CPU_DEMO.withImageSize(s.size()), classes, fusion, AafConfig.DEFAULT);
        // effective lr 2.5e-4 at batch 8 (the official rule lr·B/512 with lr 0.016), no warm-up
        CamTrainConfig cfg = new CamTrainConfig(s.camEpochs(), 8, 0.016, 1e-6, 1e-5, 0, 0.05, s.seed(),
                new AugmentConfig(s.size(), 0.5, 1.0, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4), 1.0);
        console.println("== train-cam --fusion " + fusion + " (" + s.camEpochs() + " epochs) -> " + run);
        return new CamTrainer(console).train(data, "train", run, net, cfg, device, false);
    }

    private static SegTrainConfig segRecipe(Settings s, boolean gradientClip) {
        return new SegTrainConfig(s.segEpochs(), 8, 0.01, 1e-5, 0.9, 0.9, 0, 0.1, gradientClip, 1.2, s.size() / 4, s.seed(),
                SegAugmentConfig.official(s.size()), 1.0);
    }
}
