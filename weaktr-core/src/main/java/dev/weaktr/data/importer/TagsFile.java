package dev.weaktr.data.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.WeaktrException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a tags file: CSV with a header naming the columns {@code image} and {@code labels} (others are
 * ignored), or JSON Lines with the same keys ({@code .jsonl}/{@code .ndjson}, or content starting with
 * "{"). {@code labels} holds class names separated by ';' (JSON: also an array); empty = no class.
 */
final class TagsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TagsFile() {}

    static List<TagRow> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("--tags: no such file: " + file + " (expected a CSV with columns image,labels or JSON Lines)");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.mark(4);
            int first = in.read();
            if (first != 0xFEFF) { // byte order mark
                in.reset();
            }
            List<TagRow> rows = isJsonLines(file) ? readJsonLines(in, file) : readCsv(in, file);
            if (rows.isEmpty()) {
                throw new WeaktrException(file + " lists no images (expected a header line, then one line per image)");
            }
            return rows;
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage()
                    + (e instanceof java.nio.charset.MalformedInputException ? " (the file must be UTF-8)" : ""), e);
        }
    }

    private static boolean isJsonLines(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return true;
        }
        if (name.endsWith(".csv")) {
            return false;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String s = line.replace("\uFEFF", "").strip();
                if (!s.isEmpty()) {
                    return s.startsWith("{");
                }
            }
        }
        return false;
    }

    private static List<TagRow> readCsv(BufferedReader in, Path file) throws IOException {
        CsvRecords csv = new CsvRecords(in, file.toString());
        try {
            List<String> header = csv.next();
            while (header != null && isBlank(header)) {
                header = csv.next();
            }
            if (header == null) {
                return List.of();
            }
            int image = column(header, "image"), labels = column(header, "labels");
            if (image < 0 || labels < 0) {
                throw new WeaktrException(file + " line " + csv.recordLine() + ": the header " + header
                        + " lacks the column '" + (image < 0 ? "image" : "labels") + "'; expected a header line such as "
                        + "'image,labels' (image = path relative to --images, labels = class names separated by ';')");
            }
            List<TagRow> rows = new ArrayList<>();
            for (List<String> rec = csv.next(); rec != null; rec = csv.next()) {
                if (isBlank(rec)) {
                    continue;
                }
                String where = file + " line " + csv.recordLine();
                if (rec.size() <= Math.max(image, labels)) {
                    throw new WeaktrException(where + ": " + rec.size() + " field(s), expected at least "
                            + (Math.max(image, labels) + 1) + " (columns " + header + ")");
                }
                rows.add(row(rec.get(image), splitLabels(rec.get(labels)), where));
            }
            return rows;
        } catch (CsvRecords.CsvException e) {
            throw new WeaktrException(e.getMessage(), e);
        }
    }

    private static int column(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).strip().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(List<String> rec) {
        return rec.stream().allMatch(String::isBlank);
    }

    private static List<TagRow> readJsonLines(BufferedReader in, Path file) throws IOException {
        List<TagRow> rows = new ArrayList<>();
        int n = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String where = file + " line " + n;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new WeaktrException(where + ": not a JSON object (" + e.getOriginalMessage() + ")", e);
            }
            if (node == null || !node.isObject() || !node.path("image").isTextual() || !node.has("labels")) {
                throw new WeaktrException(where + ": expected an object with the keys \"image\" (a path relative to"
                        + " --images) and \"labels\" (\"a;b\", [\"a\", \"b\"] or \"\" for none)");
            }
            rows.add(row(node.get("image").asText(), jsonLabels(node.get("labels"), where), where));
        }
        return rows;
    }

    private static List<String> jsonLabels(JsonNode labels, String where) {
        if (labels.isNull()) {
            return List.of();
        }
        if (labels.isTextual()) {
            return splitLabels(labels.asText());
        }
        if (labels.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode l : labels) {
                if (!l.isTextual()) {
                    throw new WeaktrException(where + ": \"labels\" array holds " + l + "; expected class names (strings)");
                }
                names.add(l.asText());
            }
            return clean(names);
        }
        throw new WeaktrException(where + ": \"labels\" is " + labels + "; expected \"a;b\", [\"a\", \"b\"] or \"\"");
    }

    private static TagRow row(String image, List<String> labels, String where) {
        if (image.isBlank()) {
            throw new WeaktrException(where + ": the image field is empty");
        }
        return new TagRow(image.strip(), labels, where);
    }

    static List<String> splitLabels(String field) {
        return clean(List.of(field.split(";", -1)));
    }

    private static List<String> clean(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String s = n.strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
