package dev.weaktr.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.ClassList;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scores a CAMS folder against a split's masks with a background-threshold sweep; writes metrics.json. */
public final class CamEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CamEvaluator() {}

    /** Best-threshold scores (percent) and the whole curve; {@code crf} is set when seeds were also scored with a CRF. */
    /**
     * Best-threshold scores (percent) and the whole sweep; {@code crf} is set when seeds were also scored with
     * a CRF. {@code curve}: per threshold {threshold, mIoU, precision, recall} (percent; older metrics.json
     * files hold only the first two). {@code confusion}: pixel counts [gt][pred] at the best threshold, or null.
     */
    public record Result(double mIoU, double threshold, double precision, double recall,
            Map<String, Double> perClass, List<double[]> curve, int images, CrfScore crf, long[][] confusion) {
        public Result(double mIoU, double threshold, double precision, double recall,
                Map<String, Double> perClass, List<double[]> curve, int images, CrfScore crf) {
            this(mIoU, threshold, precision, recall, perClass, curve, images, crf, null);
        }

        public Result withCrf(CrfScore score) {
            return new Result(mIoU, threshold, precision, recall, perClass, curve, images, score, confusion);
        }
    }

    /** mIoU (percent) of CRF-refined seeds at one background threshold (the paper's Tab. 4 "w/ CRF" row). */
    public record CrfScore(String preset, double threshold, double mIoU) {}

    /** Scores the seeds of every image of the split at threshold {@code bg}, refined with {@code crf}. */
    public static CrfScore scoreWithCrf(Path camsDir, VocDataset data, double bg, dev.weaktr.crf.CrfConfig crf, int threads) {
        CamStore store = CamStore.open(camsDir);
        ConfusionMatrix total = new ConfusionMatrix(data.classes().size());
        dev.weaktr.cam.CamPipeline.forEachSeed(store, data.ids(), bg, java.util.Optional.of(crf), threads, (id, seed) -> {
            ConfusionMatrix m = new ConfusionMatrix(data.classes().size());
            m.add(data.readMask(id).labels(), seed.labels());
            synchronized (total) {
                total.addAll(m);
            }
        });
        return new CrfScore(crf.name(), bg, 100 * total.meanIou());
    }

    public static Result evaluate(Path camsDir, VocDataset data, double from, double to, double step) {
        CamStore store = CamStore.open(camsDir);
        ClassList classes = data.classes();
        ThresholdSweep sweep = new ThresholdSweep(classes.size(), from, to, step);
        int images = 0;
        for (String id : data.ids()) {
            if (!store.contains(id)) {
                throw new WeaktrException(camsDir + " has no CAMs for image '" + id + "' of split '" + data.split()
                        + "'; run 'weaktr cams' on the same split");
            }
            LabelPng.LabelMap gt = data.readMask(id);
            add(sweep, gt, store.read(id, gt.height(), gt.width()));
            images++;
        }
        int best = sweep.best();
        ConfusionMatrix m = sweep.matrix(best);
        double[] iou = m.iou();
        Map<String, Double> perClass = new LinkedHashMap<>();
        for (int c = 0; c < iou.length; c++) {
            perClass.put(classes.name(c), Double.isNaN(iou[c]) ? null : 100 * iou[c]);
        }
        List<double[]> curve = new ArrayList<>();
        float[] ts = sweep.thresholds();
        for (int t = 0; t < ts.length; t++) {
            ConfusionMatrix mt = sweep.matrix(t);
            curve.add(new double[] {Math.round(ts[t] * 100) / 100.0, 100 * mt.meanIou(),
                    100 * ConfusionMatrix.nanMean(mt.precision()), 100 * ConfusionMatrix.nanMean(mt.recall())});
        }
        return new Result(100 * m.meanIou(), Math.round(ts[best] * 100) / 100.0,
                100 * ConfusionMatrix.nanMean(m.precision()), 100 * ConfusionMatrix.nanMean(m.recall()),
                perClass, curve, images, null, m.toArray());
    }

    /** Adds one image's CAMs to a threshold sweep: per pixel the max over its classes' maps and that class. */
    public static void add(ThresholdSweep sweep, LabelPng.LabelMap gt, CamInference.Cams cams) {
        int plane = gt.width() * gt.height();
        float[] max = new float[plane];
        int[] arg = new int[plane];
        maxOverClasses(cams, max, arg);
        sweep.add(gt.labels(), max, arg);
    }

    /** Per pixel the max over the image's class maps into {@code max} and its class into {@code arg} (0 / 0 if none). */
    static void maxOverClasses(CamInference.Cams cams, float[] max, int[] arg) {
        int plane = max.length;
        for (int kk = 0; kk < cams.classes().length; kk++) {
            for (int i = 0; i < plane; i++) {
                float v = cams.maps()[kk * plane + i];
                if (kk == 0 || v > max[i]) {
                    max[i] = v;
                    arg[i] = cams.classes()[kk];
                }
            }
        }
    }

    /**
     * Writes {@code metrics.json}: mIoU (percent), threshold, precision, recall, per_class, images, the CRF
     * score if any, curve (the whole sweep: threshold, mIoU, precision, recall) and confusion ([gt][pred]
     * pixel counts at the best threshold).
     */
    public static void writeMetrics(Path file, Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mIoU", r.mIoU());
        out.put("threshold", r.threshold());
        out.put("precision", r.precision());
        out.put("recall", r.recall());
        out.put("per_class", r.perClass());
        out.put("images", r.images());
        if (r.crf() != null) {
            out.put("mIoU_crf", r.crf().mIoU());
            out.put("crf", r.crf().preset());
            out.put("crf_threshold", r.crf().threshold());
        }
        List<Map<String, Double>> curve = new ArrayList<>();
        for (double[] p : r.curve()) {
            Map<String, Double> point = new LinkedHashMap<>();
            point.put("threshold", p[0]);
            point.put("mIoU", p[1]);
            if (p.length >= 4) {
                point.put("precision", p[2]);
                point.put("recall", p[3]);
            }
            curve.add(point);
        }
        out.put("curve", curve);
        if (r.confusion() != null) {
            out.put("confusion", r.confusion());
        }
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(out) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a {@code metrics.json} that {@link #writeMetrics} wrote (files from before the sweep's precision/recall and the confusion matrix read too). */
    public static Result readMetrics(Path file) {
        com.fasterxml.jackson.databind.JsonNode t = MetricsFiles.read(file, "curve", "'weaktr eval-cam'");
        List<double[]> curve = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode p : t.path("curve")) {
            curve.add(p.has("precision")
                    ? new double[] {p.path("threshold").asDouble(), MetricsFiles.number(p, "mIoU"),
                        MetricsFiles.number(p, "precision"), MetricsFiles.number(p, "recall")}
                    : new double[] {p.path("threshold").asDouble(), MetricsFiles.number(p, "mIoU")});
        }
        CrfScore crf = t.has("mIoU_crf") ? new CrfScore(t.path("crf").asText(), t.path("crf_threshold").asDouble(),
                MetricsFiles.number(t, "mIoU_crf")) : null;
        return new Result(MetricsFiles.number(t, "mIoU"), t.path("threshold").asDouble(), MetricsFiles.number(t, "precision"),
                MetricsFiles.number(t, "recall"), MetricsFiles.perClass(t), curve, t.path("images").asInt(), crf,
                MetricsFiles.confusion(file, t));
    }
}
