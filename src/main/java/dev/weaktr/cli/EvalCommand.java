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

    @Override
    public Integer call() {
        SegEvaluator.Result r = SegEvaluator.evaluate(pred, VocDataset.open(data, split));
        SegEvaluator.writeMetrics(pred.resolve("metrics.json"), r);
        System.out.printf(Locale.ROOT, "images %d | mIoU %.2f | pixel accuracy %.2f%n", r.images(), r.mIoU(), r.pixelAccuracy());
        System.out.print(Tables.perClass(r.perClass()));
        System.out.println("-> " + pred.resolve("metrics.json"));
        return 0;
    }
}
