package dev.weaktr.demo;

import ai.djl.Device;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.getam.GetamInference;
import dev.weaktr.getam.GetamPipeline;
import dev.weaktr.getam.GetamTrainConfig;
import dev.weaktr.getam.GetamTrainer;
import dev.weaktr.getam.SaliencyMaps;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * GETAM on the demo's generated data ({@code demo --methods ...,getam}), twice: with saliency maps and in the
 * image-level-only form. Each: train --method getam with the {@code cpu-demo} ViT (from the shipped
 * {@code builtin:cpu-demo} backbone) → cams → eval-cam → pseudo → eval (train) → segment → eval (val), the public API
 * the CLI calls.
 *
 * <p>The saliency maps are <b>made from the synthetic ground-truth masks</b> (255 on every object pixel, 0 on the
 * background and the masks' ignore border): an oracle saliency detector, standing in for the off-the-shelf detector
 * GETAM's VOC recipe assumes, so the "with saliency" rows are an upper bound of what saliency adds here.
 *
 * <p>Recipe: the official one (SGD lr 0.04, PolyOptimizer, classification only for the first half, lr × 0.1 after,
 * dense-CRF loss 1e-7) at the demo's scale: 160 iterations of batch 4, crop 128 (the whole 128-pixel image), 32 decoder
 * features. Inference uses square sides 64, 96 and 128 in place of {@code test.py}'s 256, 320 and 480 (the same
 * fractions, about 0.5–1, of the image side: VOC images are ~500 pixels, these 128).
 */
public final class GetamDemo {
    private GetamDemo() {}

    /** The demo's GETAM recipe. */
    public record Settings(int iterations, int batch, int crop, int features, double lr, int[] sizes, long seed) {
        public static Settings defaults(int size, long seed) {
            return new Settings(160, 4, size / 32 * 32, 32, 0.04, new int[] {size / 64 * 32, size * 3 / 4 / 32 * 32,
                size / 32 * 32}, seed);
        }
    }

    /**
     * GETAM's rows of the demo table, one per form.
     *
     * @param cam GETAM-map mIoU (train) at its best background threshold {@code camThreshold}
     * @param pseudo mIoU of GETAM's completed labels (train; their ignore pixels count as background)
     * @param seg segmentation mIoU (val) of its own head, square sides averaged
     */
    public record Row(boolean saliency, double cam, double camThreshold, double pseudo, double seg, double trainSeconds,
            double seconds) {}

    /** Both forms: with the oracle saliency maps, then image-level only. */
    public static Row[] run(Path out, Path data, Settings s, Path pretrained, Device device, PrintStream console) {
        Path sal = saliencyFromMasks(data, out.resolve("saliency-getam"));
        return new Row[] {runOne(out, data, s, sal, pretrained, device, console),
            runOne(out, data, s, null, pretrained, device, console)};
    }

    static Row runOne(Path out, Path data, Settings s, Path saliency, Path pretrained, Device device,
            PrintStream console) {
        long t0 = System.nanoTime();
        String tag = saliency == null ? "getam-image-level" : "getam-saliency";
        VocDataset train = VocDataset.open(data, "train");
        Path run = out.resolve(tag);
        console.println("== train --method getam --backbone cpu-demo (" + s.iterations() + " iterations x " + s.batch()
                + ", crop " + s.crop() + ", " + s.features() + " features, lr " + s.lr() + ", "
                + (saliency == null ? "image-level only" : "saliency from the synthetic masks") + ") -> " + run);
        GetamTrainConfig cfg = GetamTrainConfig.official(s.iterations(), s.batch(), s.crop(), s.seed()).withLr(s.lr());
        GetamTrainer.Result trained = new GetamTrainer(console).train(data, "train", run, "cpu-demo", s.features(), cfg,
                saliency, device, false, pretrained);
        Path cams = out.resolve("cams-" + tag);
        console.println("== cams (getam) -> " + cams);
        GetamPipeline.cams(run, data, "train", cams, s.sizes(), device, console);
        CamEvaluator.Result c = CamEvaluator.evaluate(cams, train, 0.0, 0.6, 0.01);
        CamEvaluator.writeMetrics(cams.resolve("metrics.json"), c);
        Path pseudo = out.resolve("pseudo-" + tag);
        console.println("== pseudo (getam) -> " + pseudo);
        GetamPipeline.pseudo(run, data, "train", pseudo, saliency, s.sizes(), device, console);
        SegEvaluator.Result p = SegEvaluator.evaluate(pseudo, train);
        SegEvaluator.writeMetrics(pseudo.resolve("metrics.json"), p);
        Path pred = out.resolve("pred-" + tag);
        console.println("== segment val (getam) -> " + pred);
        GetamPipeline.segment(run, data, "val", pred, new GetamInference.Settings(s.sizes(), Optional.empty()), false,
                device, console);
        SegEvaluator.Result e = SegEvaluator.evaluate(pred, VocDataset.open(data, "val"));
        SegEvaluator.writeMetrics(pred.resolve("metrics.json"), e);
        return new Row(saliency != null, c.mIoU(), c.threshold(), p.mIoU(), e.mIoU(), trained.seconds(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** The oracle saliency of the train images ({@link SaliencyMaps#writeFromMasks}). */
    public static Path saliencyFromMasks(Path data, Path out) {
        return SaliencyMaps.writeFromMasks(VocDataset.open(data, "train"), out);
    }
}
