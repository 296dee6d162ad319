package dev.weaktr.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Scores a folder of predicted label PNGs against a split's masks: one confusion matrix over the split. */
public final class SegEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SegEvaluator() {}

    /**
     * mIoU, pixel accuracy, per-class IoU, mean precision and recall over classes, in percent;
     * {@code confusion}: pixel counts [gt][pred] (null in metrics.json files from before it was recorded).
     */
    public record Result(double mIoU, double pixelAccuracy, Map<String, Double> perClass, int images,
            double precision, double recall, long[][] confusion) {
        public Result(double mIoU, double pixelAccuracy, Map<String, Double> perClass, int images) {
            this(mIoU, pixelAccuracy, perClass, images, Double.NaN, Double.NaN, null);
        }
    }

    public static Result evaluate(Path pred, VocDataset data) {
        ConfusionMatrix m = new ConfusionMatrix(data.classes().size());
        for (String id : data.ids()) {
            Path file = pred.resolve(id + ".png");
            if (!Files.isRegularFile(file)) {
                throw new WeaktrException("--pred " + pred + " has no " + id + ".png for image '" + id + "' of split '"
                        + data.split() + "' (run 'weaktr segment' on the same split)");
            }
            LabelPng.LabelMap p = LabelPng.read(file);
            LabelPng.LabelMap gt = data.readMask(id);
            if (p.width() != gt.width() || p.height() != gt.height()) {
                throw new WeaktrException(file + " is " + p.width() + "x" + p.height() + " but the mask of '" + id + "' is "
                        + gt.width() + "x" + gt.height());
            }
            m.add(gt.labels(), p.labels());
        }
        return summarise(m, data.classes(), data.size());
    }

    /** The metrics of a confusion matrix [gt][pred] of {@code images} images (e.g. one reduced across machines). */
    public static Result summarise(ConfusionMatrix m, dev.weaktr.data.ClassList classes, int images) {
        long correct = 0, total = 0;
        double[] iou = m.iou();
        Map<String, Double> perClass = new LinkedHashMap<>();
        for (int c = 0; c < iou.length; c++) {
            perClass.put(classes.name(c), Double.isNaN(iou[c]) ? null : 100 * iou[c]);
            correct += m.get(c, c);
            for (int j = 0; j < iou.length; j++) {
                total += m.get(c, j);
            }
        }
        return new Result(100 * m.meanIou(), total == 0 ? Double.NaN : 100.0 * correct / total, perClass, images,
                100 * ConfusionMatrix.nanMean(m.precision()), 100 * ConfusionMatrix.nanMean(m.recall()), m.toArray());
    }

    /** Writes {@code metrics.json}: mIoU (percent), pixel_accuracy, per_class, images, precision, recall, confusion ([gt][pred]). */
    public static void writeMetrics(Path file, Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mIoU", r.mIoU());
        out.put("pixel_accuracy", r.pixelAccuracy());
        out.put("per_class", r.perClass());
        out.put("images", r.images());
        if (r.confusion() != null) {
            out.put("precision", r.precision());
            out.put("recall", r.recall());
            out.put("confusion", r.confusion());
        }
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(out) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a {@code metrics.json} that {@link #writeMetrics} wrote. */
    public static Result readMetrics(Path file) {
        com.fasterxml.jackson.databind.JsonNode t = MetricsFiles.read(file, "pixel_accuracy", "'weaktr eval'");
        long[][] confusion = MetricsFiles.confusion(file, t);
        return new Result(MetricsFiles.number(t, "mIoU"), MetricsFiles.number(t, "pixel_accuracy"), MetricsFiles.perClass(t),
                t.path("images").asInt(), confusion == null ? Double.NaN : MetricsFiles.number(t, "precision"),
                confusion == null ? Double.NaN : MetricsFiles.number(t, "recall"), confusion);
    }
}
