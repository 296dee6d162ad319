package dev.weaktr.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.CamEvaluator;
import dev.weaktr.eval.ConfusionMatrix;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.io.AtomicFiles;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code weaktr report}: one self-contained HTML page comparing runs and their outputs on one dataset split
 * (summary table, per-class IoU, threshold and training curves, a picture gallery, confusion matrices,
 * provenance). Scores are the evaluators' own records read back from each folder's metrics.json
 * ({@link CamEvaluator#readMetrics}, {@link SegEvaluator#readMetrics}); charts are inline SVG, pictures
 * embedded PNG; the page loads nothing from anywhere.
 */
public final class Report {
    private Report() {}

    /**
     * @param folders run folders and CAMS, SEEDS and PRED folders, in the order the rows should follow
     * @param images gallery rows
     * @param worst the worst-scoring images first (mean per-image mIoU over the rows) instead of the split's order
     */
    public record Options(Path data, String split, List<Path> folders, Path out, int images, boolean worst) {
        public Options {
            folders = List.copyOf(folders);
        }
    }

    /** What was written: the file, its size in bytes, and what it holds. */
    public record Result(Path file, long bytes, int rows, int galleryRows, int charts, double seconds) {}

    /** A summary-table column: a score of a row, whether more is better. */
    private record Column(String key, String title, boolean higherIsBetter, Function<Inputs.Row, Double> value, String format) {}

    private static final List<Column> SCORES = List.of(
            new Column("cam", "CAM mIoU", true, r -> r.cams == null ? null : r.cams.cam().mIoU(), "%.2f"),
            new Column("cam_threshold", "bg threshold", true, r -> r.cams == null ? null : r.cams.cam().threshold(), "%.2f"),
            new Column("cam_crf", "CAM mIoU w/ CRF", true,
                    r -> r.cams == null || r.cams.cam().crf() == null ? null : r.cams.cam().crf().mIoU(), "%.2f"),
            new Column("seed", "seed mIoU", true, r -> r.seeds == null ? null : r.seeds.seg().mIoU(), "%.2f"),
            new Column("seg", "seg. mIoU", true, r -> r.pred == null ? null : r.pred.seg().mIoU(), "%.2f"),
            new Column("seg_crf", "seg. mIoU w/ CRF", true, r -> r.predCrf == null ? null : r.predCrf.seg().mIoU(), "%.2f"),
            new Column("precision", "precision", true, r -> precision(r.headline(), true), "%.2f"),
            new Column("recall", "recall", true, r -> precision(r.headline(), false), "%.2f"),
            new Column("train_seconds", "training (s)", false, r -> r.run == null ? null : r.run.trainSeconds(), "%.0f"),
            new Column("images_per_second", "train images/s", true, r -> r.run == null ? null : r.run.imagesPerSecond(), "%.1f"));

    /** Quantities of log.jsonl with a readable title; others are plotted under their own name. */
    private static final Map<String, String> QUANTITIES = Map.ofEntries(
            Map.entry("loss", "loss (sum of the terms)"), Map.entry("loss_cls", "classification loss"),
            Map.entry("loss_coarse", "coarse-CAM loss"), Map.entry("loss_fine", "fine-CAM loss"),
            Map.entry("mean_loss", "mean pixel loss g (retraining)"), Map.entry("lr", "learning rate"),
            Map.entry("grad_norm", "gradient norm"),
            Map.entry("kept", "share of pixels passing gradient (gradient clipping, Fig. 5)"));

    public static Result write(Options o) {
        long t0 = System.nanoTime();
        if (o.folders().isEmpty()) {
            throw new WeaktrException("give at least one run, CAMS, SEEDS or PRED folder");
        }
        if (o.images() < 0) {
            throw new WeaktrException("--images must be >= 0, got " + o.images());
        }
        VocDataset data = VocDataset.open(o.data(), o.split());
        List<Inputs.Row> rows = Inputs.read(data, o.folders());
        Charts charts = new Charts();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("data", data.root().toString());
        page.put("split", data.split());
        page.put("splitSize", data.size());
        page.put("classCount", data.classes().size());
        int chartCount = 0;

        // summary
        List<Column> visible = SCORES.stream().filter(c -> rows.stream().anyMatch(r -> present(c.value().apply(r)))).toList();
        page.put("scoreHeaders", visible.stream().map(c -> Map.of("title", c.title(), "key", c.key())).toList());
        List<Map<String, Object>> summary = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Inputs.Row r = rows.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.label);
            m.put("colour", Charts.hex(i));
            m.put("method", r.run == null ? "—" : r.run.method());
            m.put("backbone", r.run == null ? "—" : r.run.backbone());
            m.put("variant", r.run == null ? "—" : r.run.variant());
            m.put("recipe", r.run == null ? "—" : r.run.recipe());
            List<Map<String, Object>> cells = new ArrayList<>();
            for (Column c : visible) {
                Double v = c.value().apply(r);
                boolean best = present(v) && !c.key().equals("cam_threshold") && isBest(c, rows, v);
                cells.add(cell(c.key(), present(v) ? String.format(Locale.ROOT, c.format(), v) : "—", best));
            }
            m.put("cells", cells);
            summary.add(m);
        }
        page.put("rows", summary);
        baselines(rows, page);

        // per-class IoU of each row's headline output
        List<String> classes = data.classes().names();
        List<Integer> scored = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).headline() != null) {
                scored.add(i);
            }
        }
        if (!scored.isEmpty()) {
            List<Map<String, Double>> values = scored.stream().map(i -> perClass(rows.get(i).headline())).toList();
            page.put("perClassChart", charts.perClassBars(classes, scored.stream().map(i -> rows.get(i).label).toList(),
                    values, scored));
            chartCount++;
            page.put("classes", classes);
            List<Map<String, Object>> table = new ArrayList<>();
            for (int j = 0; j < scored.size(); j++) {
                Inputs.Row r = rows.get(scored.get(j));
                List<Map<String, Object>> cells = new ArrayList<>();
                for (String c : classes) {
                    Double v = values.get(j).get(c);
                    boolean best = v != null && values.stream().allMatch(m -> m.get(c) == null || m.get(c) <= v);
                    cells.add(cell(c, v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v), best));
                }
                table.add(Map.of("label", r.label, "colour", Charts.hex(scored.get(j)),
                        "source", describe(r.headline()), "cells", cells));
            }
            page.put("perClassRows", table);
        }

        // threshold curves
        List<Charts.Line> sweeps = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Inputs.Row r = rows.get(i);
            if (r.cams != null && !r.cams.cam().curve().isEmpty()) {
                List<double[]> curve = r.cams.cam().curve();
                double[] x = new double[curve.size()], y = new double[curve.size()];
                for (int k = 0; k < curve.size(); k++) {
                    x[k] = curve.get(k)[0];
                    y[k] = curve.get(k)[1];
                }
                sweeps.add(new Charts.Line(r.label, x, y, i));
            }
        }
        if (!sweeps.isEmpty()) {
            page.put("thresholdChart", charts.lines("background threshold", "CAM mIoU (%)", sweeps, true, false));
            chartCount++;
        }

        // training curves: one chart per quantity, a line per run
        Map<Path, Integer> runColour = new LinkedHashMap<>();
        Map<Path, RunInfo> runs = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            RunInfo run = rows.get(i).run;
            if (run != null && !run.log().isEmpty()) {
                runColour.putIfAbsent(Inputs.real(run.dir()), i);
                runs.putIfAbsent(Inputs.real(run.dir()), run);
            }
        }
        Set<String> quantities = new LinkedHashSet<>();
        runs.values().forEach(r -> quantities.addAll(r.log().series().keySet()));
        List<Map<String, Object>> training = new ArrayList<>();
        for (String q : quantities) {
            List<Charts.Line> lines = new ArrayList<>();
            runs.forEach((key, run) -> {
                double[][] xy = run.log().series().get(q);
                if (xy != null) {
                    lines.add(new Charts.Line(run.name(), xy[0], xy[1], runColour.get(key)));
                }
            });
            training.add(Map.of("title", QUANTITIES.getOrDefault(q, q), "key", q,
                    "svg", charts.lines("optimizer step", q, lines, false, q.equals("lr") || q.equals("grad_norm"))));
            chartCount++;
        }
        page.put("trainingCharts", training);

        // gallery
        List<Gallery.Column> columns = new ArrayList<>();
        List<Map<String, Object>> galleryHeads = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Inputs.Output h = rows.get(i).headline();
            if (h != null) {
                columns.add(new Gallery.Column(h, h.kind() == Inputs.Kind.CAMS ? h.cam().threshold() : 0));
                galleryHeads.add(Map.of("label", rows.get(i).label, "colour", Charts.hex(i),
                        "what", h.kind() == Inputs.Kind.CAMS ? "CAM heat map" : h.kind() == Inputs.Kind.SEEDS ? "seeds" : "mask"));
            }
        }
        List<Gallery.Picture> pictures = columns.isEmpty() || o.images() == 0 ? List.of()
                : new Gallery(data, columns).pictures(o.images(), o.worst());
        page.put("galleryHeads", galleryHeads);
        page.put("gallery", pictures.stream().map(p -> Map.of("id", p.id(), "cells",
                p.cells().stream().map(c -> Map.of("src", c.src(), "caption", c.caption())).toList())).toList());
        page.put("galleryOrder", o.worst() ? "the worst-scoring first (mean per-image mIoU over the columns)" : "in the split's order");

        // confusion matrices and provenance
        List<Map<String, Object>> confusions = new ArrayList<>();
        List<Map<String, Object>> provenance = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Inputs.Row r = rows.get(i);
            Inputs.Output h = r.headline();
            long[][] counts = h == null ? null : h.cam() != null ? h.cam().confusion() : h.seg().confusion();
            if (counts != null) {
                confusions.add(Map.of("label", r.label, "colour", Charts.hex(i), "source", describe(h),
                        "classes", classes, "rows", confusionRows(counts, classes)));
            }
            List<Map<String, Object>> blocks = new ArrayList<>();
            if (r.run != null) {
                blocks.add(Map.of("name", r.run.dir() + "/run.json", "text", r.run.manifest()));
            }
            for (Inputs.Output out : new Inputs.Output[] {r.cams, r.seeds, r.pred, r.predCrf}) {
                if (out != null && out.source() != null) {
                    String file = out.kind() == Inputs.Kind.CAMS ? "cams.json" : out.kind() == Inputs.Kind.SEEDS ? "seeds.json" : "pred.json";
                    blocks.add(Map.of("name", out.dir() + "/" + file, "text", out.source()));
                }
            }
            provenance.add(Map.of("label", r.label, "colour", Charts.hex(i), "blocks", blocks));
        }
        page.put("confusions", confusions);
        page.put("provenance", provenance);

        page.put("hasPerClass", page.containsKey("perClassChart"));
        page.put("hasThreshold", page.containsKey("thresholdChart"));
        page.put("hasTraining", !training.isEmpty());
        page.put("hasGallery", !pictures.isEmpty());
        page.put("hasConfusions", !confusions.isEmpty());
        StringWriter html = new StringWriter();
        Mustache template = new DefaultMustacheFactory("dev/weaktr/report").compile("report.mustache");
        template.execute(html, page);
        byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeString(o.out(), html.toString());
        return new Result(o.out(), bytes.length, rows.size(), pictures.size(), chartCount, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The image-blind baselines that eval-cam / eval recorded in the rows' metrics.json files (same images, same
     * sweep), each distinct score once, and which CAM rows clear the best of them: the bar a CAM must pass before it
     * can be said to have learned where the objects are.
     */
    private static void baselines(List<Inputs.Row> rows, Map<String, Object> page) {
        Map<String, Map<String, Object>> seen = new LinkedHashMap<>();
        Baselines.Score best = null;
        for (Inputs.Row r : rows) {
            for (Inputs.Output out : new Inputs.Output[] {r.cams, r.pred, r.predCrf}) {
                if (out == null) {
                    continue;
                }
                for (Baselines.Score b : Baselines.readMetrics(out.dir().resolve("metrics.json"))) {
                    String mIoU = String.format(Locale.ROOT, "%.2f", b.mIoU());
                    String threshold = String.format(Locale.ROOT, "%.2f", b.threshold());
                    seen.computeIfAbsent(b.name() + " " + mIoU + " " + threshold, k -> Map.of("name", b.name(), "mIoU", mIoU,
                            "threshold", threshold, "source", out.dir().resolve("metrics.json").toString()));
                    if (out == r.cams && (best == null || b.mIoU() > best.mIoU())) { // the CAMs' own sweep
                        best = b;
                    }
                }
            }
        }
        page.put("hasBaselines", !seen.isEmpty());
        page.put("baselines", new ArrayList<>(seen.values()));
        if (best != null) {
            List<String> above = new ArrayList<>();
            int cams = 0;
            for (Inputs.Row r : rows) {
                if (r.cams != null) {
                    cams++;
                    if (r.cams.cam().mIoU() > best.mIoU()) {
                        above.add(r.label);
                    }
                }
            }
            page.put("baselineVerdict", String.format(Locale.ROOT, "Best baseline: %s, %.2f. CAM rows above it: %d of %d%s",
                    best.name(), best.mIoU(), above.size(), cams, above.isEmpty() ? "." : " (" + String.join(", ", above) + ")."));
        }
    }

    private static Map<String, Object> cell(String key, String text, boolean best) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("text", text);
        m.put("best", best);
        return m;
    }

    private static boolean present(Double v) {
        return v != null && !v.isNaN();
    }

    private static boolean isBest(Column c, List<Inputs.Row> rows, double v) {
        for (Inputs.Row r : rows) {
            Double o = c.value().apply(r);
            if (present(o) && (c.higherIsBetter() ? o > v : o < v)) {
                return false;
            }
        }
        return true;
    }

    /** Mean precision (or recall) over classes of the row's headline output, percent. */
    private static Double precision(Inputs.Output h, boolean precision) {
        if (h == null) {
            return null;
        }
        if (h.cam() != null) {
            return precision ? h.cam().precision() : h.cam().recall();
        }
        return precision ? h.seg().precision() : h.seg().recall();
    }

    private static Map<String, Double> perClass(Inputs.Output h) {
        return h.cam() != null ? h.cam().perClass() : h.seg().perClass();
    }

    private static String describe(Inputs.Output h) {
        String what = switch (h.kind()) {
            case CAMS -> String.format(Locale.ROOT, "CAMs at background threshold %.2f", h.cam().threshold());
            case SEEDS -> "seeds";
            case PRED -> "segmentation" + (h.crf() == null || h.crf().equals("none") ? "" : " with CRF " + h.crf());
            case RUN -> "run";
        };
        return what + ", " + h.dir().resolve("metrics.json");
    }

    /** Row-normalised confusion (share of each true class's pixels given to each predicted class) as heat-map cells. */
    private static List<Map<String, Object>> confusionRows(long[][] counts, List<String> classes) {
        ConfusionMatrix m = ConfusionMatrix.of(counts);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int g = 0; g < counts.length; g++) {
            long total = 0;
            for (int p = 0; p < counts.length; p++) {
                total += m.get(g, p);
            }
            List<Map<String, Object>> cells = new ArrayList<>();
            for (int p = 0; p < counts.length; p++) {
                double share = total == 0 ? 0 : m.get(g, p) / (double) total;
                String name = p < classes.size() ? classes.get(p) : String.valueOf(p);
                cells.add(Map.of("text", share >= 0.005 ? String.format(Locale.ROOT, "%.0f", 100 * share) : "",
                        "style", String.format(Locale.ROOT, "background:rgba(31,119,180,%.3f);color:%s", share,
                                share > 0.55 ? "#fff" : "#222"),
                        "title", String.format(Locale.ROOT, "true %s → predicted %s: %d pixels (%.1f %%)",
                                g < classes.size() ? classes.get(g) : g, name, m.get(g, p), 100 * share)));
            }
            out.add(Map.of("name", g < classes.size() ? classes.get(g) : String.valueOf(g), "pixels", total, "cells", cells));
        }
        return out;
    }
}
