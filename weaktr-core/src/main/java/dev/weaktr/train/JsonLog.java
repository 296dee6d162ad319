package dev.weaktr.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Appends one JSON object per line ({@code log.jsonl}); each line goes out in a single write. */
public final class JsonLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public JsonLog(Path file) {
        this.file = file;
    }

    public void append(Map<String, Object> record) {
        try {
            byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new WeaktrException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }
}
