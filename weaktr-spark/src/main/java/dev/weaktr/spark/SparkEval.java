package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.io.LabelPng;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code weaktr spark eval}: predicted masks scored against the split's ground truth ({@link SegEvaluator#evaluate}):
 * each task counts a confusion matrix [gt][pred] over its images, the matrices are summed across executors, and the
 * driver writes {@code PRED/metrics.json} from the sum.
 */
public final class SparkEval {
    private SparkEval() {}

    public static SegEvaluator.Result run(JavaSparkContext sc, String predUri, String dataUri, String split) {
        var conf = sc.hadoopConfiguration();
        RemoteFiles pred = RemoteFiles.of(predUri, "--pred", conf);
        RemoteFiles data = RemoteFiles.of(dataUri, "--data", conf);
        VocDataset ds;
        try (Scratch driver = new Scratch()) {
            ds = Staging.datasetIndex(data, split, driver.resolve("data"));
        }
        int classes = ds.classes().size();
        List<String> ids = ds.ids();
        long[][] counts = sc.parallelize(ids, Jobs.slices(sc, ids.size()))
                .mapPartitions((Iterator<String> part) -> java.util.Collections.singletonList(confusion(part, pred, data, split, classes)).iterator())
                .reduce(SparkEval::sum);
        SegEvaluator.Result r = SegEvaluator.summarise(ConfusionMatrix.of(counts), ds.classes(), ids.size());
        try (Scratch driver = new Scratch()) {
            SegEvaluator.writeMetrics(driver.resolve("metrics.json"), r);
            pred.putAtomically(driver.resolve("metrics.json"), "metrics.json");
        }
        return r;
    }

    /** The executor side: the confusion matrix [gt][pred] of one partition's images. */
    private static long[][] confusion(Iterator<String> part, RemoteFiles pred, RemoteFiles data, String split, int classes) {
        ConfusionMatrix m = new ConfusionMatrix(classes);
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
            }
        }
        return m.toArray();
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
