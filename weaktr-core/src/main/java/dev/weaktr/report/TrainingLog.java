package dev.weaktr.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's {@code log.jsonl} as numeric series. Trainers log per-epoch records (they carry {@code epoch}) and,
 * some of them, per-step records; a quantity is plotted from the finest records that hold it, against the
 * optimizer step. Unreadable lines (a run killed mid-write) are skipped.
 */
public final class TrainingLog {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    /** Bookkeeping fields, not curves. */
    private static final Set<String> NOT_PLOTTED = Set.of("epoch", "step", "seconds", "skipped_steps");

    private final List<Map<String, Double>> epochs;
    private final Map<String, double[][]> series; // quantity -> {steps, values}

    private TrainingLog(List<Map<String, Double>> epochs, Map<String, double[][]> series) {
        this.epochs = epochs;
        this.series = series;
    }

    /** The run's log, or an empty log when the run has no log.jsonl. */
    public static TrainingLog read(Path run) {
        Path file = run.resolve("log.jsonl");
        List<Map<String, Double>> epochs = new ArrayList<>();
        List<Map<String, Double>> steps = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
            }
            for (String line : lines) {
                Map<String, Double> rec = parse(line);
                if (rec != null) {
                    (rec.containsKey("epoch") ? epochs : steps).add(rec);
                }
            }
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (List<Map<String, Double>> records : List.of(steps, epochs)) {
            Map<String, List<double[]>> points = new LinkedHashMap<>();
            for (int i = 0; i < records.size(); i++) {
                Map<String, Double> rec = records.get(i);
                double x = rec.getOrDefault("step", (double) (i + 1));
                for (Map.Entry<String, Double> e : rec.entrySet()) {
                    if (!NOT_PLOTTED.contains(e.getKey()) && !series.containsKey(e.getKey())) {
                        points.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {x, e.getValue()});
                    }
                }
            }
            points.forEach((k, v) -> {
                double[][] xy = new double[2][v.size()];
                for (int i = 0; i < v.size(); i++) {
                    xy[0][i] = v.get(i)[0];
                    xy[1][i] = v.get(i)[1];
                }
                series.put(k, xy);
            });
        }
        return new TrainingLog(epochs, series);
    }

    private static Map<String, Double> parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, Double> rec = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber()) {
                rec.put(e.getKey(), e.getValue().asDouble());
            }
        }
        return rec;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    /** quantity -> {optimizer steps, values}, in the order the log first mentions them. */
    public Map<String, double[][]> series() {
        return series;
    }

    /** Training seconds summed over the epoch records, NaN when the log records no time. */
    public double seconds() {
        double s = 0;
        boolean any = false;
        for (Map<String, Double> e : epochs) {
            if (e.containsKey("seconds")) {
                s += e.get("seconds");
                any = true;
            }
        }
        return any ? s : Double.NaN;
    }

    /** Optimizer steps taken over the epoch records that record their time (resumed runs log each epoch once). */
    public double timedSteps() {
        double steps = 0, previous = 0;
        for (Map<String, Double> e : epochs) {
            double step = e.getOrDefault("step", Double.NaN);
            if (e.containsKey("seconds") && !Double.isNaN(step)) {
                steps += step - previous;
            }
            previous = Double.isNaN(step) ? previous : step;
        }
        return steps;
    }
}
