package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.weaktr.nn.VitConfig;
import org.junit.jupiter.api.Test;

/** The bench row of one encoder runs (tiny size; the real rows are 480×480, docs/encoders.md). */
class SegBenchmarkTest {
    @Test
    void eva02RowHasPositiveTimes() {
        SegBenchmark.Row r = SegBenchmark.run(VitConfig.EVA02_TINY.withDepth(1), 32, 1, Device.cpu());
        assertEquals("eva02-tiny", r.encoder());
        assertTrue(r.fwdBwdMs() > 0 && r.imagesPerSecond() > 0, r.toString());
    }
}
