package dev.weaktr.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Image-blind (and one crude image-aware) baselines scored exactly like a CAM: the same images, the same image-level
 * labels, the same background-threshold sweep ({@link ThresholdSweep}). A CAM that does not beat them has not learned
 * where the objects are. Each baseline gives one map in [0, 1] per image, used for every labelled class (on ties the
 * lowest labelled class index wins, as {@link CamEvaluator}'s arg-max does):
 * <ul>
 *   <li>{@code gaussian}: exp(−½((x − cx)²/σx² + (y − cy)²/σy²)) at pixel centres (x + ½, y + ½), centre (W/2, H/2),
 *       σx = W/4, σy = H/4 — "objects are in the middle";</li>
 *   <li>{@code saliency}: the colour distance of each pixel from the image's border colour (the mean RGB of the 1-px
 *       frame), divided by the image's largest such distance (0 everywhere when all pixels have the border colour):
 *       "objects look unlike the border". 1 − this map is the background score the issue describes;</li>
 *   <li>{@code background}: 0 everywhere, so every pixel is background at every threshold.</li>
 * </ul>
 */
public final class Baselines {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The baselines' names, in the order tables show them. */
    public static final List<String> NAMES = List.of("gaussian", "saliency", "background");

    private Baselines() {}

    /** One baseline's best-threshold score (percent) over a split. */
    public record Score(String name, double mIoU, double threshold) {}

    /** Scores every baseline on the split's images with the sweep {@code from..to} by {@code step}. */
    public static List<Score> evaluate(VocDataset data, double from, double to, double step) {
        Sweeps sweeps = new Sweeps(data.classes().size(), from, to, step);
        for (String id : data.ids()) {
            sweeps.add(data.readMask(id), data.labelIndices(id), data.readImage(id));
        }
        return sweeps.scores();
    }

    /**
     * The baselines' threshold sweeps over some images. Sweeps counted on separate machines add up
     * ({@link #addAll}) to the sweeps of all their images, so a distributed evaluation scores the same.
     */
    public static final class Sweeps implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final List<ThresholdSweep> sweeps = new ArrayList<>();

        public Sweeps(int classes, double from, double to, double step) {
            for (int i = 0; i < NAMES.size(); i++) {
                sweeps.add(new ThresholdSweep(classes, from, to, step));
            }
        }

        /** Adds one image: its mask, its image-level class indices and its pixels. */
        public void add(LabelPng.LabelMap gt, int[] labels, RgbImage image) {
            int w = gt.width(), h = gt.height();
            float[][] maps = {gaussian(w, h), saliency(image, w, h), new float[w * h]};
            int[] arg = new int[w * h];
            java.util.Arrays.fill(arg, labels.length == 0 ? 0 : labels[0]); // same map for every class: the first wins
            for (int i = 0; i < maps.length; i++) {
                float[] map = labels.length == 0 ? new float[w * h] : maps[i]; // no labelled class: no CAM (max stays 0)
                sweeps.get(i).add(gt.labels(), map, arg);
            }
        }

        public Sweeps addAll(Sweeps other) {
            for (int i = 0; i < sweeps.size(); i++) {
                sweeps.get(i).addAll(other.sweeps.get(i));
            }
            return this;
        }

        /** Each baseline's best-threshold score, in {@link #NAMES} order. */
        public List<Score> scores() {
            float[] ts = sweeps.get(0).thresholds();
            List<Score> out = new ArrayList<>();
            for (int i = 0; i < NAMES.size(); i++) {
                int best = sweeps.get(i).best();
                out.add(new Score(NAMES.get(i), 100 * sweeps.get(i).matrix(best).meanIou(), Math.round(ts[best] * 100) / 100.0));
            }
            return out;
        }
    }

    /** The centred Gaussian, [H·W] row-major. */
    public static float[] gaussian(int w, int h) {
        float[] m = new float[w * h];
        double sx = w / 4.0, sy = h / 4.0;
        for (int y = 0; y < h; y++) {
            double dy = (y + 0.5 - h / 2.0) / sy;
            for (int x = 0; x < w; x++) {
                double dx = (x + 0.5 - w / 2.0) / sx;
                m[y * w + x] = (float) Math.exp(-0.5 * (dx * dx + dy * dy));
            }
        }
        return m;
    }

    /**
     * Colour distance from the border colour, normalised to a maximum of 1, [H·W] at the mask's size {@code w × h}
     * (the image is sampled at the nearest pixel when its size differs).
     */
    public static float[] saliency(RgbImage img, int w, int h) {
        double[] border = new double[3];
        int n = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                if (y == 0 || x == 0 || y == img.height() - 1 || x == img.width() - 1) {
                    for (int c = 0; c < 3; c++) {
                        border[c] += img.get(x, y, c);
                    }
                    n++;
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            border[c] /= n;
        }
        float[] m = new float[w * h];
        double max = 0;
        for (int y = 0; y < h; y++) {
            int sy = Math.min(img.height() - 1, (int) ((long) y * img.height() / h));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(img.width() - 1, (int) ((long) x * img.width() / w));
                double d = 0;
                for (int c = 0; c < 3; c++) {
                    double e = img.get(sx, sy, c) - border[c];
                    d += e * e;
                }
                d = Math.sqrt(d);
                m[y * w + x] = (float) d;
                max = Math.max(max, d);
            }
        }
        if (max > 0) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (m[i] / max);
            }
        }
        return m;
    }

    /** "baselines on the same images: gaussian 18.10 (T 0.35) | ..." */
    public static String line(List<Score> scores) {
        StringBuilder s = new StringBuilder("image-blind baselines on the same images, same sweep:");
        for (Score b : scores) {
            s.append(String.format(Locale.ROOT, " %s %.2f (T %.2f)%s", b.name(), b.mIoU(), b.threshold(),
                    b == scores.get(scores.size() - 1) ? "" : " |"));
        }
        return s.append(System.lineSeparator()).toString();
    }

    /** The best baseline's mIoU (the bar a CAM has to clear). */
    public static Score best(List<Score> scores) {
        Score best = scores.get(0);
        for (Score s : scores) {
            if (s.mIoU() > best.mIoU()) {
                best = s;
            }
        }
        return best;
    }

    /** The baselines a metrics.json holds ({@link #addToMetrics}); empty when it has none or the file is absent. */
    public static List<Score> readMetrics(Path metricsJson) {
        if (!Files.isRegularFile(metricsJson)) {
            return List.of();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode arr = JSON.readTree(metricsJson.toFile()).path("baselines");
            List<Score> out = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode b : arr) {
                out.add(new Score(b.path("name").asText(), b.path("mIoU").asDouble(), b.path("threshold").asDouble()));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + metricsJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds {@code "baselines": [{"name", "mIoU", "threshold"}, ...]} to an existing metrics.json (atomically; every
     * other key is kept as it is), so the evaluators that wrote it need not know about baselines.
     */
    public static void addToMetrics(Path metricsJson, List<Score> scores) {
        try {
            ObjectNode root = Files.isRegularFile(metricsJson) ? (ObjectNode) JSON.readTree(metricsJson.toFile())
                    : JSON.createObjectNode();
            ArrayNode arr = root.putArray("baselines");
            for (Score s : scores) {
                arr.addObject().put("name", s.name()).put("mIoU", s.mIoU()).put("threshold", s.threshold());
            }
            AtomicFiles.writeString(metricsJson, JSON.writeValueAsString(root) + "\n");
        } catch (IOException | ClassCastException e) {
            throw new WeaktrException("cannot add baselines to " + metricsJson + ": " + e.getMessage(), e);
        }
    }
}
