package dev.weaktr.eval;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading back the {@code metrics.json} files the evaluators write (NaN is written as a bare token). */
final class MetricsFiles {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private MetricsFiles() {}

    /** The file's tree; {@code marker} is a field only the expected evaluator writes. */
    static JsonNode read(Path file, String marker, String writer) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException(file.getParent() + " has no metrics.json (run " + writer + " on it)");
        }
        JsonNode t;
        try {
            t = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (t == null || !t.isObject() || !t.has("mIoU") || !t.has(marker) || !t.path("per_class").isObject()) {
            throw new WeaktrException(file + " is not a metrics.json written by " + writer);
        }
        return t;
    }

    static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    static Map<String, Double> perClass(JsonNode t) {
        Map<String, Double> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = t.path("per_class").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : null);
        }
        return out;
    }

    /** counts[gt][pred], or null when the file has none. */
    static long[][] confusion(Path file, JsonNode t) {
        JsonNode c = t.get("confusion");
        if (c == null) {
            return null;
        }
        int k = c.size();
        long[][] out = new long[k][];
        for (int g = 0; g < k; g++) {
            JsonNode row = c.get(g);
            if (row.size() != k) {
                throw new WeaktrException(file + ": confusion row " + g + " has " + row.size() + " entries, expected " + k);
            }
            out[g] = new long[k];
            for (int p = 0; p < k; p++) {
                out[g][p] = row.get(p).asLong();
            }
        }
        return out;
    }
}
