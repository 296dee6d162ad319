package dev.weaktr.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run manifests ({@code run.json}): JSON records with a {@code format} field naming what folder they describe,
 * plus the {@code command} line that made them when they were written from the CLI (provenance: a reader can
 * rerun it). Fields a record does not know (such as {@code command}, or ones a newer version adds) are ignored
 * on reading.
 */
public final class Manifests {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static volatile String command;

    private Manifests() {}

    /** Records the command line of this invocation ({@code weaktr ARGS...}) for the manifests it writes. */
    public static void recordCommand(String... args) {
        StringBuilder line = new StringBuilder("weaktr");
        for (String a : args) {
            line.append(' ').append(a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        command = line.toString();
    }

    /** Forgets the recorded command line (the Java API writes manifests without one). */
    public static void clearCommand() {
        command = null;
    }

    public static void write(Path file, Object manifest) {
        try {
            ObjectNode tree = JSON.valueToTree(manifest);
            String cmd = command;
            if (cmd != null && !tree.has("command")) {
                tree.put("command", cmd);
            }
            AtomicFiles.writeString(file, JSON.writeValueAsString(tree) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code dir/run.json} as {@code type}, after checking its {@code format} is {@code format}.
     *
     * @param what e.g. "a CAM run folder (the --out of 'weaktr train-cam')", used in messages
     */
    public static <T> T read(Path dir, String name, String format, Class<T> type, String what) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException(dir + " is not " + what + ": it has no " + name);
        }
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            String found = tree.path("format").asText("");
            if (!format.equals(found)) {
                throw new WeaktrException(dir + " is not " + what + ": its " + name + " describes '" + found + "'");
            }
            return JSON.treeToValue(tree, type);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** WeakTr's method name in run.json; a run.json without a {@code method} field (older runs) is WeakTr's. */
    public static final String WEAKTR = "weaktr";

    /**
     * The method that made the run in {@code dir}: run.json's {@code method} field, or {@value #WEAKTR} when the
     * field is absent (runs written before it existed).
     */
    public static String method(Path dir) {
        Path file = dir.resolve("run.json");
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException(dir + " is not a run folder: it has no run.json");
        }
        try {
            return JSON.readTree(file.toFile()).path("method").asText(WEAKTR);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} holds a run.json of method {@code method} (false when it has none). */
    public static boolean isMethod(Path dir, String method) {
        return Files.isRegularFile(dir.resolve("run.json")) && method(dir).equals(method);
    }

    /**
     * Checks the run in {@code dir} was made by {@code expected}; otherwise one line naming the run, its method and
     * what {@code command} needs.
     */
    public static void requireMethod(Path dir, String expected, String command) {
        String found = method(dir);
        if (!found.equals(expected)) {
            throw new WeaktrException("'" + command + "' needs a run of method " + expected + ", but " + dir
                    + " was made by method " + found);
        }
    }
}
