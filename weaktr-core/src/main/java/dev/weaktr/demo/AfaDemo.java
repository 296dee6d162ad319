package dev.weaktr.demo;

import ai.djl.Device;
import dev.weaktr.afa.AfaInference;
import dev.weaktr.afa.AfaPipeline;
import dev.weaktr.afa.AfaTrainConfig;
import dev.weaktr.afa.AfaTrainer;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.SegEvaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * AFA on the demo's generated data ({@code demo --methods ...,afa}): train --method afa with the {@code cpu-demo}
 * MiT → cams → eval-cam → pseudo → eval (train) → segment → eval (val), the same public API the CLI calls.
 *
 * <p>The official recipe (lr 6e-5 for an ImageNet-pretrained MiT-B1, 20 000 iterations on 8 GPUs' worth of
 * batches) cannot learn from scratch in CPU minutes; the demo trains with a 10× learning rate (encoder 6e-4, heads
 * 6e-3) and the official schedule scaled to its length (classifier alone for the first 10 %, random-walk labels from
 * 30 %). Inference keeps the images at their size ({@code --resize-long 0}): the official 512 would upsample the
 * 128-pixel images fourfold.
 */
public final class AfaDemo {
    private AfaDemo() {}

    /** The demo's AFA recipe. */
    public record Settings(int iterations, int batch, int crop, double lr, long seed) {
        public static Settings defaults(int size, long seed) {
            return new Settings(300, 4, size, 6e-4, seed);
        }
    }

    /**
     * AFA's rows of the demo table.
     *
     * @param cam CAM mIoU (train) at its best background threshold {@code camThreshold}
     * @param pseudo mIoU of AFA's own pseudo labels (train; their ignore pixels count as background)
     * @param seg segmentation mIoU (val) of AFA's segmentation head, multi-scale + flip
     */
    public record Row(double cam, double camThreshold, double pseudo, double seg, double trainSeconds, double seconds) {}

    public static Row run(Path out, Path data, Settings s, Device device, PrintStream console) {
        long t0 = System.nanoTime();
        VocDataset train = VocDataset.open(data, "train");
        Path run = out.resolve("afa");
        console.println("== train --method afa --backbone cpu-demo (" + s.iterations() + " iterations x " + s.batch()
                + ", crop " + s.crop() + ", lr " + s.lr() + ") -> " + run);
        AfaTrainConfig cfg = AfaTrainConfig.official(s.iterations(), s.batch(), s.crop(), s.seed()).withLr(s.lr());
        AfaTrainer.Result trained = new AfaTrainer(console).train(data, "train", run, "mit-cpu-demo", cfg, device, false, null);
        Path cams = out.resolve("cams-afa");
        console.println("== cams (afa) -> " + cams);
        AfaPipeline.cams(run, data, "train", cams, AfaInference.CAM_SCALES, device, console);
        CamEvaluator.Result c = CamEvaluator.evaluate(cams, train, 0.0, 0.6, 0.01);
        CamEvaluator.writeMetrics(cams.resolve("metrics.json"), c);
        Path pseudo = out.resolve("pseudo-afa");
        console.println("== pseudo (afa) -> " + pseudo);
        AfaPipeline.pseudo(run, data, "train", pseudo, device, console);
        SegEvaluator.Result p = SegEvaluator.evaluate(pseudo, train);
        SegEvaluator.writeMetrics(pseudo.resolve("metrics.json"), p);
        Path pred = out.resolve("pred-afa");
        console.println("== segment val (afa) -> " + pred);
        AfaInference.Settings inference = new AfaInference.Settings(new double[] {1.0, 0.5, 0.75}, 0, true, Optional.empty());
        AfaPipeline.segment(run, data, "val", pred, inference, false, device, console);
        SegEvaluator.Result e = SegEvaluator.evaluate(pred, VocDataset.open(data, "val"));
        SegEvaluator.writeMetrics(pred.resolve("metrics.json"), e);
        return new Row(c.mIoU(), c.threshold(), p.mIoU(), e.mIoU(), trained.seconds(), (System.nanoTime() - t0) / 1e9);
    }
}
