package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import org.junit.jupiter.api.Test;

/** {@code --max-memory} sizes of segment/predict. */
class MaxMemoryOptionTest {
    @Test
    void sizesInBinaryUnits() {
        assertEquals(1000, SegInferenceOptions.parseBytes("--max-memory", "1000"));
        assertEquals(512L << 20, SegInferenceOptions.parseBytes("--max-memory", "512m"));
        assertEquals(2L << 30, SegInferenceOptions.parseBytes("--max-memory", "2G"));
        assertEquals(3L << 29, SegInferenceOptions.parseBytes("--max-memory", "1.5g"));
        assertEquals(4L << 30, SegInferenceOptions.parseBytes("--max-memory", "4GiB"));
        for (String bad : new String[] {"", "lots", "-1g", "0", "2x"}) {
            var e = assertThrows(WeaktrException.class, () -> SegInferenceOptions.parseBytes("--max-memory", bad), bad);
            assertTrue(e.getMessage().startsWith("--max-memory"), e.getMessage());
        }
    }

    @Test
    void aBadSizeIsOneLineAndExitTwo() {
        Cli.Run r = Cli.run("predict", "--run", "no-such-run", "--out", "unused", "--max-memory", "lots", "x.png");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--max-memory") || r.err().contains("no-such-run"), r.err());
    }
}
