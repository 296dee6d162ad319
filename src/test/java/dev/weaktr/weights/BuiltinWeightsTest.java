package dev.weaktr.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.SafeTensors;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code builtin:cpu-demo} weights (docs/pretrain.md), when the repository has them: the file matches the
 * SHA-256 recorded beside it (written by coreutils' sha256sum), resolves from the jar, and is a cpu-demo backbone made
 * by formula-driven supervised pretraining on the generated corpus (docs/pretrain.md). Skipped while the shipped run has not been made.
 */
class BuiltinWeightsTest {
    @TempDir
    Path cache;

    @Test
    void shippedCpuDemoWeightsMatchTheirChecksum() throws Exception {
        String base = PretrainedSource.BUILTIN_RESOURCES + "cpu-demo";
        try (InputStream sha = BuiltinWeightsTest.class.getResourceAsStream(base + ".sha256")) {
            Assumptions.assumeTrue(BuiltinWeightsTest.class.getResource(base + ".safetensors") != null,
                    "no shipped cpu-demo weights yet");
            assertTrue(sha != null, "the shipped weights need their checksum beside them: " + base + ".sha256");
            Path file = PretrainedSource.resolve(Path.of("builtin:cpu-demo"), WeightRegistry.standard(), new WeightCache(cache));
            assertEquals(new String(sha.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0], WeightCache.sha256(file));
            SafeTensors.Content c = SafeTensors.read(file);
            assertEquals("fdsl", c.metadata().get("objective")); // docs/pretrain.md: the shipped run's objective
            assertEquals("cpu-demo", c.metadata().get("model"));
        }
    }
}
