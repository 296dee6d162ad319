package dev.weaktr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
    record Tiny(String format, int epochs) {}

    @TempDir Path dir;

    @AfterEach
    void forget() {
        Manifests.clearCommand();
    }

    @Test
    void runJsonRecordsTheCommandLineQuotedForAShell() throws Exception {
        Manifests.recordCommand("train-cam", "--data", "my data", "--note", "it's", "--epochs", "3");
        Manifests.write(dir.resolve("run.json"), new Tiny("tiny-1", 3));
        JsonNode tree = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        assertEquals("weaktr train-cam --data 'my data' --note 'it'\\''s' --epochs 3", tree.get("command").asText());
        assertEquals(3, tree.get("epochs").asInt());
        // the record has no 'command' field: reading ignores it
        Tiny back = Manifests.read(dir, "run.json", "tiny-1", Tiny.class, "a tiny folder");
        assertEquals(new Tiny("tiny-1", 3), back);
    }

    @Test
    void withoutACommandLineNoFieldIsWritten() throws Exception {
        Manifests.clearCommand();
        Manifests.write(dir.resolve("run.json"), new Tiny("tiny-1", 1));
        assertFalse(new ObjectMapper().readTree(dir.resolve("run.json").toFile()).has("command"));
    }
}
