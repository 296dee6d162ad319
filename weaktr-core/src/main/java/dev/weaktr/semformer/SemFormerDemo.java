package dev.weaktr.semformer;

import ai.djl.Device;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.CamErosion;
import dev.weaktr.eval.CamEvaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * SemFormer's rows of {@code weaktr demo --semformer}: on the demo's generated data, the cpu-demo CAAE (stage 1) and
 * segmentor (stage 2) from scratch, then CRA CAMs of the training split scored with the threshold sweep, with and
 * without SemFormer's 7×7 erosion, beside the image-blind baselines; then its pseudo-label chain (AffinityNet on the
 * CAMs' affinity labels, the random walk) scored against the masks beside the same labels from the raw CAM.
 */
public final class SemFormerDemo {
    private SemFormerDemo() {}

    /** The demo's SemFormer results. */
    public record Report(double caaeTrainMap, double caaeSeconds, double segSeconds, double camMIoU, double camThreshold,
            double erodedMIoU, double erodedThreshold, double affSeconds, double randomWalkMIoU, double camLabelMIoU,
            List<Baselines.Score> baselines) {}

    public static Report run(Path out, int trainImages, int valImages, int size, int caaeEpochs, int segEpochs, long seed,
            Device device, PrintStream console) {
        Path data = out.resolve("data");
        console.println("== synth: " + trainImages + " train + " + valImages + " val images -> " + data);
        Synth.generate(SynthConfig.of(trainImages, valImages, size, seed), data);
        VocDataset train = VocDataset.open(data, "train");
        List<Baselines.Score> baselines = Baselines.evaluate(train, 0.0, 0.6, 0.01);
        Path caae = out.resolve("semformer-caae");
        console.println("== train --method semformer --stage caae (" + caaeEpochs + " epochs) -> " + caae);
        SemFormerTrainer.Result a = new SemFormerTrainer(console).train(data, "train", caae,
                SemFormerTrainConfig.official(SemFormerTrainConfig.CAAE, "cpu-demo", seed).with(caaeEpochs, 8, size, null),
                null, device, false, null);
        Path seg = out.resolve("semformer-seg");
        console.println("== train --method semformer --stage seg (" + segEpochs + " epochs) -> " + seg);
        SemFormerTrainer.Result s = new SemFormerTrainer(console).train(data, "train", seg,
                SemFormerTrainConfig.official(SemFormerTrainConfig.SEG, "cpu-demo", seed).with(segEpochs, 4, size, null),
                caae, device, false, null);
        Path cams = out.resolve("semformer-cams");
        console.println("== cams (CRA, 4 scales + flip) -> " + cams);
        SemFormerCams.generate(seg, data, "train", cams, CraCam.SCALES, CraCam.LAYERS, device, console);
        CamEvaluator.Result r = CamEvaluator.evaluate(cams, train, 0.0, 0.6, 0.01);
        CamEvaluator.writeMetrics(cams.resolve("metrics.json"), r);
        CamErosion.Score e = CamErosion.evaluate(cams, train, 0.0, 0.6, 0.01, 7);
        double map = dev.weaktr.train.BestCheckpoint.forRun(caae, true).best();
        // the pseudo-label chain: AffinityNet (cpu-demo ResNet, official 3 epochs) on the CAMs' affinity labels, then
        // pseudo labels by the random walk, and for comparison from the raw CAM (same background 0.25 and CRF)
        Path aff = out.resolve("semformer-aff");
        console.println("== train --method semformer --stage aff --cams " + cams + " -> " + aff);
        AffinityTrainer.Result f = new AffinityTrainer(console).train(data, "train", cams, aff,
                AffinityTrainConfig.official("cpu-demo", seed), device, false, null);
        Path rw = out.resolve("semformer-pseudo"), raw = out.resolve("semformer-pseudo-cam");
        console.println("== pseudo --run " + seg + " --aff-run " + aff + " -> " + rw);
        SemFormerPseudo.run(seg, aff, data, "train", rw, SemFormerPseudo.Source.RANDOM_WALK, device, console);
        SemFormerPseudo.run(seg, aff, data, "train", raw, SemFormerPseudo.Source.CAM, device, console);
        dev.weaktr.eval.SegEvaluator.Result rwScore = dev.weaktr.eval.SegEvaluator.evaluate(rw, train);
        dev.weaktr.eval.SegEvaluator.Result rawScore = dev.weaktr.eval.SegEvaluator.evaluate(raw, train);
        dev.weaktr.eval.SegEvaluator.writeMetrics(rw.resolve("metrics.json"), rwScore);
        dev.weaktr.eval.SegEvaluator.writeMetrics(raw.resolve("metrics.json"), rawScore);
        return new Report(map, a.seconds(), s.seconds(), r.mIoU(), r.threshold(), e.mIoU(), e.threshold(), f.seconds(),
                rwScore.mIoU(), rawScore.mIoU(), baselines);
    }

    /** The rows, as the demo's table prints them. */
    public static String table(Report r) {
        StringBuilder s = new StringBuilder("| step | mIoU (%) | notes |\n|---|---|---|\n");
        s.append(String.format(java.util.Locale.ROOT, "| SemFormer CAAE (train) | – | best thresholded-similarity mAP %.2f; "
                + "trained in %.0f s |%n", r.caaeTrainMap(), r.caaeSeconds()));
        s.append(String.format(java.util.Locale.ROOT, "| SemFormer CRA CAM (train) | %.2f | best bg threshold %.2f; "
                + "segmentor trained in %.0f s |%n", r.camMIoU(), r.camThreshold(), r.segSeconds()));
        s.append(String.format(java.util.Locale.ROOT, "| SemFormer CRA CAM + 7×7 erosion (train) | %.2f | SemFormer's "
                + "evaluation post-processing, threshold %.2f |%n", r.erodedMIoU(), r.erodedThreshold()));
        s.append(String.format(java.util.Locale.ROOT, "| SemFormer pseudo labels: random walk (train) | %.2f | AffinityNet "
                + "(cpu-demo ResNet) trained in %.0f s; β 10, T^256, bg 0.25, CRF 1 iteration |%n", r.randomWalkMIoU(),
                r.affSeconds()));
        s.append(String.format(java.util.Locale.ROOT, "| SemFormer pseudo labels: raw CAM (train) | %.2f | the same bg 0.25 "
                + "and CRF on the CRA CAM, no random walk |%n", r.camLabelMIoU()));
        for (Baselines.Score b : r.baselines()) {
            s.append(String.format(java.util.Locale.ROOT, "| baseline: %s (train) | %.2f | image-blind, threshold %.2f |%n",
                    b.name(), b.mIoU(), b.threshold()));
        }
        return s.toString();
    }
}
