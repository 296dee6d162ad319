package dev.weaktr.cli;

import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.CamEvaluator;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval-cam", mixinStandardHelpOptions = true,
        description = "Score CAMs against the split's masks, sweeping the background threshold; writes CAMS/metrics.json.")
final class EvalCamCommand implements Callable<Integer> {
    @Option(names = "--cams", required = true, description = "CAMS folder")
    Path cams;

    @Option(names = "--data", required = true, description = "dataset root with SegmentationClass masks")
    Path data;

    @Option(names = "--split", required = true, description = "split to score")
    String split;

    @Option(names = "--from", defaultValue = "0.0", description = "first threshold. Default: ${DEFAULT-VALUE}")
    double from;

    @Option(names = "--to", defaultValue = "0.6", description = "last threshold. Default: ${DEFAULT-VALUE}")
    double to;

    @Option(names = "--step", defaultValue = "0.01", description = "threshold step. Default: ${DEFAULT-VALUE}")
    double step;

    @Option(names = "--crf", defaultValue = "none", description = "also score CRF-refined seeds with this preset (e.g. weaktr-cam-voc), or none. Default: ${DEFAULT-VALUE}")
    String crf;

    @Option(names = "--crf-bg", description = "background threshold of the CRF seeds (default: the best threshold of the sweep)")
    Double crfBg;

    @Option(names = "--threads", defaultValue = "0", description = "CRF worker threads (0 = all cores). Default: ${DEFAULT-VALUE}")
    int threads;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also score the image-blind baselines (centred Gaussian, colour saliency, all background) on the same images with the same sweep; --no-baselines skips them. Default: on")
    boolean baselines;

    @Option(names = "--erode", defaultValue = "0", description = "also score with SemFormer's evaluation post-processing: a per-class KxK erosion of the label map (7 in its evaluate.py), 0 = off. Default: ${DEFAULT-VALUE}")
    int erode;

    @Override
    public Integer call() {
        if (erode < 0 || (erode > 0 && erode % 2 == 0)) {
            throw new dev.weaktr.WeaktrException("--erode " + erode + ": an odd kernel size (7 in SemFormer) or 0 for none");
        }
        if (!(from >= 0 && to <= 1 && from <= to && step > 0)) {
            throw new dev.weaktr.WeaktrException("thresholds must satisfy 0 <= --from <= --to <= 1 and --step > 0");
        }
        VocDataset ds = VocDataset.open(data, split);
        java.util.Optional<dev.weaktr.crf.CrfConfig> crfConfig = dev.weaktr.crf.CrfConfig.presetOrNone(crf);
        CamEvaluator.Result r = CamEvaluator.evaluate(cams, ds, from, to, step);
        if (crfConfig.isPresent()) {
            r = r.withCrf(CamEvaluator.scoreWithCrf(cams, ds, crfBg == null ? r.threshold() : crfBg, crfConfig.get(), threads));
        }
        CamEvaluator.writeMetrics(cams.resolve("metrics.json"), r);
        System.out.print(table(r));
        if (erode > 0) {
            dev.weaktr.eval.CamErosion.Score e = dev.weaktr.eval.CamErosion.evaluate(cams, ds, from, to, step, erode);
            System.out.printf(Locale.ROOT, "w/ %dx%d per-class erosion (SemFormer's evaluation): mIoU %.2f at threshold %.2f%n",
                    erode, erode, e.mIoU(), e.threshold());
        }
        if (baselines) {
            java.util.List<dev.weaktr.eval.Baselines.Score> b = dev.weaktr.eval.Baselines.evaluate(ds, from, to, step);
            dev.weaktr.eval.Baselines.addToMetrics(cams.resolve("metrics.json"), b);
            System.out.print(dev.weaktr.eval.Baselines.line(b));
        }
        System.out.println("-> " + cams.resolve("metrics.json"));
        return 0;
    }

    static String table(CamEvaluator.Result r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "images %d | best background threshold %.2f | mIoU %.2f | precision %.2f | recall %.2f%n",
                r.images(), r.threshold(), r.mIoU(), r.precision(), r.recall()));
        if (r.crf() != null) {
            s.append(String.format(Locale.ROOT, "w/ CRF (%s) at threshold %.2f: mIoU %.2f%n", r.crf().preset(),
                    r.crf().threshold(), r.crf().mIoU()));
        }
        return s.append(dev.weaktr.eval.Tables.perClass(r.perClass())).toString();
    }
}
