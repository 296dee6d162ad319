package dev.weaktr.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Run manifests ({@code run.json}): JSON records with a {@code format} field naming what folder they describe. */
public final class Manifests {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifests() {}

    public static void write(Path file, Object manifest) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(manifest) + "\n");
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
}
