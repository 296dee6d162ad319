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
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.nn.VitConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole CAM phase on generated data, for both fusions: synth → train-cam → cams → eval-cam, with the
 * {@code cpu-demo} preset. Every step is the same public API the CLI commands call.
 */
public final class Demo {
    private Demo() {}

    /**
     * The demo's recipe. The official recipe (lr 4e-4·B/512, 5 warm-up epochs, crops down to 8 % of the
     * image) is made for ImageNet-pretrained DeiT-S and 60 epochs; a from-scratch model with a few
     * minutes of CPU needs a larger lr (1e-3 effective), no warm-up and milder crops so objects stay in view.
     */
    public record Settings(int trainImages, int valImages, int size, int epochs, int batch, double lr, long seed,
            double[] scales) {
        public static Settings defaults() {
            return new Settings(300, 60, 128, 20, 16, 0.032, 0, new double[] {1.0, 0.8, 1.2});
        }
    }

    /** One row of the demo's table. */
    public record Row(String fusion, double mIoU, double threshold, double trainSeconds, Path overlays) {}

    /** Runs the demo into {@code out}; also writes {@code out/cams-summary.png} (image, truth, CAM per fusion). */
    public static List<Row> run(Path out, Settings s, Device device, PrintStream console) {
        Path data = out.resolve("data");
        console.println("== synth: " + s.trainImages() + " train + " + s.valImages() + " val images -> " + data);
        Synth.generate(SynthConfig.of(s.trainImages(), s.valImages(), s.size(), s.seed()), data);
        int classes = Synth.classes().numForeground();
        List<Row> rows = new ArrayList<>();
        for (String fusion : List.of("aaf", "mean-sum")) {
            Path run = out.resolve("run-" + fusion);
            Path cams = out.resolve("cams-" + fusion);
            CamNetConfig net = new CamNetConfig(VitConfig.CPU_DEMO.withImageSize(s.size()), classes, fusion, AafConfig.DEFAULT);
            CamTrainConfig cfg = new CamTrainConfig(s.epochs(), s.batch(), s.lr(), 1e-6, 1e-5, 0, 0.05, s.seed(),
                    new AugmentConfig(s.size(), 0.35, 1.0, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4));
            console.println("== train-cam --fusion " + fusion + " (" + s.epochs() + " epochs) -> " + run);
            CamTrainer.Result trained = new CamTrainer(console).train(data, "train", run, net, cfg, device, false);
            console.println("== cams on the train split -> " + cams);
            CamPipeline.generate(run, data, "train", cams, s.scales(), true, device, console);
            CamEvaluator.Result r = CamEvaluator.evaluate(cams, VocDataset.open(data, "train"), 0.0, 0.6, 0.01);
            CamEvaluator.writeMetrics(cams.resolve("metrics.json"), r);
            rows.add(new Row(fusion, r.mIoU(), r.threshold(), trained.seconds(), cams.resolve("overlays")));
        }
        DemoSheet.write(VocDataset.open(data, "train"), rows.stream().map(Row::overlays).toList(), 6,
                out.resolve("cams-summary.png"));
        return rows;
    }
}
