package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weaktr.nn.VitConfig;
import org.junit.jupiter.api.Test;

/** How many sliding windows go through the model at once for a memory budget (SegPredictor.windowsPerBatch). */
class WindowBudgetTest {
    @Test
    void deitSmallWindowsOfVocAtThePaperCrop() {
        SegmenterConfig net = SegmenterConfig.of(VitConfig.DEIT_SMALL, 21);
        // by hand: N = 1 + 30·30 = 901; floats 3·6·901² + 18·901·384 + 3·2·21·480² + 3·480² = 50,561,730;
        // ×4 bytes ×1.5 = 303,370,380 bytes per window
        long perWindow = 303_370_380L;
        assertEquals(1, SegPredictor.windowsPerBatch(1, net, 480, 480, true), "at least one window");
        assertEquals(1, SegPredictor.windowsPerBatch(perWindow, net, 480, 480, true));
        assertEquals(1, SegPredictor.windowsPerBatch(2 * perWindow - 1, net, 480, 480, true));
        assertEquals(2, SegPredictor.windowsPerBatch(2 * perWindow, net, 480, 480, true));
        assertEquals(3, SegPredictor.windowsPerBatch(1L << 30, net, 480, 480, true));
        // last decoder block only: one mask set, 3·21·480² fewer floats -> (50,561,730 − 14,515,200)·6 = 216,279,180 bytes
        assertEquals(4, SegPredictor.windowsPerBatch(4 * 216_279_180L, net, 480, 480, false));
        assertEquals(3, SegPredictor.windowsPerBatch(4 * 216_279_180L - 1, net, 480, 480, false));
    }
}
