package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.io.LabelPng;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code weaktr spark eval}: predicted masks scored against the split's ground truth ({@link SegEvaluator#evaluate}):
 * each task counts a confusion matrix [gt][pred] over its images, and, unless turned off, the image-blind baselines'
 * threshold sweeps ({@link Baselines.Sweeps}) on the same images; both are summed across executors, and the driver
 * writes {@code PRED/metrics.json} from the sums, as {@code weaktr eval} does.
 */
public final class SparkEval {
    private SparkEval() {}

    /** What the job scored: the masks, and the baselines (empty when turned off). */
    public record Outcome(SegEvaluator.Result result, List<Baselines.Score> baselines) {}

    /** One partition's counts. */
    private record Partial(long[][] confusion, Baselines.Sweeps baselines) implements java.io.Serializable {
        Partial plus(Partial o) {
            return new Partial(sum(confusion, o.confusion), baselines == null ? null : baselines.addAll(o.baselines));
        }
    }

    public static Outcome run(JavaSparkContext sc, String predUri, String dataUri, String split, boolean baselines) {
        var conf = sc.hadoopConfiguration();
        RemoteFiles pred = RemoteFiles.of(predUri, "--pred", conf);
        RemoteFiles data = RemoteFiles.of(dataUri, "--data", conf);
        VocDataset ds;
        try (Scratch driver = new Scratch()) {
            ds = Staging.datasetIndex(data, split, driver.resolve("data"));
        }
        int classes = ds.classes().size();
        List<String> ids = ds.ids();
        HashMap<String, int[]> labels = new HashMap<>(); // the image-level labels the baselines are given
        if (baselines) {
            ids.forEach(id -> labels.put(id, ds.labelIndices(id)));
        }
        Partial total = sc.parallelize(ids, Jobs.slices(sc, ids.size()))
                .mapPartitions((Iterator<String> part) -> java.util.Collections.singletonList(
                        partial(part, pred, data, split, classes, baselines ? labels : null)).iterator())
                .reduce(Partial::plus);
        SegEvaluator.Result r = SegEvaluator.summarise(ConfusionMatrix.of(total.confusion()), ds.classes(), ids.size());
        List<Baselines.Score> scores = baselines ? total.baselines().scores() : List.of();
        try (Scratch driver = new Scratch()) {
            Path metrics = driver.resolve("metrics.json");
            SegEvaluator.writeMetrics(metrics, r);
            if (baselines) {
                Baselines.addToMetrics(metrics, scores);
            }
            pred.putAtomically(metrics, "metrics.json");
        }
        return new Outcome(r, scores);
    }

    /**
     * The executor side: the confusion matrix [gt][pred] of one partition's images, and with {@code labels} the
     * baselines' sweeps on them (the sweep of {@code weaktr eval}: 0.00..1.00 by 0.01).
     */
    private static Partial partial(Iterator<String> part, RemoteFiles pred, RemoteFiles data, String split, int classes,
            Map<String, int[]> labels) {
        ConfusionMatrix m = new ConfusionMatrix(classes);
        Baselines.Sweeps sweeps = labels == null ? null : new Baselines.Sweeps(classes, 0.0, 1.0, 0.01);
        try (Scratch scratch = new Scratch()) {
            while (part.hasNext() && !Jobs.killed()) {
                String id = part.next();
                if (!pred.isFile(id + ".png")) {
                    throw new WeaktrException("--pred " + pred + " has no " + id + ".png for image '" + id + "' of split '"
                            + split + "' (run 'weaktr spark segment' on the same split)");
                }
                Path p = scratch.resolve("pred.png");
                pred.copyToLocal(id + ".png", p);
                LabelPng.LabelMap predicted = Staging.inTermsOf(pred, scratch.dir(), () -> LabelPng.read(p));
                String maskName = null;
                for (String dir : List.of(VocDataset.MASKS_AUG, VocDataset.MASKS)) {
                    if (data.isFile(dir + "/" + id + ".png")) {
                        maskName = dir + "/" + id + ".png";
                        break;
                    }
                }
                if (maskName == null) {
                    throw new WeaktrException("no mask for image '" + id + "': expected " + data + "/" + VocDataset.MASKS + "/"
                            + id + ".png");
                }
                Path g = scratch.resolve("gt.png");
                data.copyToLocal(maskName, g);
                LabelPng.LabelMap gt = LabelPng.read(g);
                for (byte b : gt.labels()) {
                    int v = b & 0xff;
                    if (v >= classes && v != LabelPng.IGNORE) {
                        throw new WeaktrException("mask " + data + "/" + maskName + " has pixel value " + v
                                + "; expected a class index 0.." + (classes - 1) + " or 255 = ignore");
                    }
                }
                if (predicted.width() != gt.width() || predicted.height() != gt.height()) {
                    throw new WeaktrException(pred + "/" + id + ".png is " + predicted.width() + "x" + predicted.height()
                            + " but the mask of '" + id + "' is " + gt.width() + "x" + gt.height());
                }
                m.add(gt.labels(), predicted.labels());
                if (sweeps != null) {
                    sweeps.add(gt, labels.get(id), Staging.image(data, id, scratch));
                }
            }
        }
        return new Partial(m.toArray(), sweeps);
    }

    static long[][] sum(long[][] a, long[][] b) {
        long[][] s = new long[a.length][];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i].clone();
            for (int j = 0; j < s[i].length; j++) {
                s[i][j] += b[i][j];
            }
        }
        return s;
    }
}
