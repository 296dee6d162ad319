package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 40k-image benchmark (slow: run with {@code mvn -B -o -Pfull test -Dtest=CocoImportBenchmarkTest}).
 * For wall time and peak memory of the CLI, see docs/coco.md.
 */
@Tag("slow")
class CocoImportBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void imports40kSyntheticImages() throws Exception {
        int n = 40_000;
        Path json = SyntheticCoco.generate(tmp.resolve("coco"), n, 1);
        long t0 = System.nanoTime();
        CocoImportReport r = CocoImporter.run(new CocoImportConfig(tmp.resolve("coco/images"), json,
                tmp.resolve("data"), "val", false, false, Runtime.getRuntime().availableProcessors()), ImportProgress.NONE);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("coco-import of %d synthetic images: %.1f s, %s%n", n, s, r.summary());
        assertEquals(n, r.imagesInFile());
        assertEquals(n, r.imagesWritten() + r.skippedNoAnnotations());
        assertTrue(r.problems().isEmpty(), r.problems().toString());
        try (var lines = Files.lines(r.splitFile())) {
            assertEquals(r.imagesWritten(), lines.count());
        }
    }
}
