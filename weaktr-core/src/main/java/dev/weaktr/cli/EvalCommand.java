package dev.weaktr.cli;

import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.eval.Tables;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Score predicted masks against the split's ground truth; writes PRED/metrics.json.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--pred", required = true, description = "folder of predicted <id>.png masks")
    Path pred;

    @Option(names = "--data", required = true, description = "dataset root with SegmentationClass masks")
    Path data;

    @Option(names = "--split", required = true, description = "split to score")
    String split;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also score the image-blind baselines (centred Gaussian, colour saliency, all background; given the image labels and their best threshold) on the same images; --no-baselines skips them. Default: on")
    boolean baselines;

    @Override
    public Integer call() {
        VocDataset ds = VocDataset.open(data, split);
        SegEvaluator.Result r = SegEvaluator.evaluate(pred, ds);
        SegEvaluator.writeMetrics(pred.resolve("metrics.json"), r);
        System.out.printf(Locale.ROOT, "images %d | mIoU %.2f | pixel accuracy %.2f%n", r.images(), r.mIoU(), r.pixelAccuracy());
        System.out.print(Tables.perClass(r.perClass()));
        if (baselines) {
            // generous to the baselines: they are given the image labels and their best threshold on these images
            java.util.List<dev.weaktr.eval.Baselines.Score> b = dev.weaktr.eval.Baselines.evaluate(ds, 0.0, 1.0, 0.01);
            dev.weaktr.eval.Baselines.addToMetrics(pred.resolve("metrics.json"), b);
            System.out.print(dev.weaktr.eval.Baselines.line(b));
        }
        System.out.println("-> " + pred.resolve("metrics.json"));
        return 0;
    }
}
