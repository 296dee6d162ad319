package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrfConfigTest {
    /** name, unary, Gaussian sxy/compat, bilateral sxy/srgb/compat, iterations — peers.md §5.2. */
    private static final Object[][] TABLE = {
        {"mctformer-psa", "SOFTMAX", 3, 3, 80, 13, 10, 10},
        {"mctformer-seg", "SOFTMAX", 4, 3, 83, 5, 3, 10},
        {"afa", "SOFTMAX", 3, 3, 64, 5, 4, 10},
        {"afa-labels", "LABELS", 3, 3, 50, 5, 10, 10},
        {"getam", "SOFTMAX", 3, 3, 83, 5, 4, 20},
        {"getam-val", "SOFTMAX", 3, 3, 83, 5, 4, 10},
        {"semformer-aff", "LABELS", 3, 3, 50, 5, 10, 10},
        {"semformer-final", "LABELS", 3, 3, 50, 5, 10, 1},
        {"weaktr-cam-voc", "LABELS", 4, 3, 83, 5, 3, 10},
        {"weaktr-cam-coco", "LABELS", 3, 3, 50, 5, 10, 10},
        {"weaktr-seg-voc", "SOFTMAX", 3, 3, 83, 5, 3, 10},
        {"weaktr-seg-coco", "SOFTMAX", 1, 3, 67, 3, 4, 10},
    };

    @Test
    void everyRowOfThePeersTableIsAPreset() {
        assertEquals(TABLE.length, CrfConfig.presets().size());
        for (Object[] row : TABLE) {
            CrfConfig c = CrfConfig.preset((String) row[0]);
            assertEquals(row[1], c.unary().name(), c.name());
            assertEquals(0.7, c.gtProb());
            List<CrfConfig.Kernel> k = c.kernels();
            assertEquals(2, k.size());
            assertEquals(CrfConfig.Kernel.gaussian((int) row[2], (int) row[3]), k.get(0), c.name());
            assertEquals(CrfConfig.Kernel.bilateral((int) row[4], (int) row[5], (int) row[6]), k.get(1), c.name());
            assertEquals((int) row[7], c.iterations(), c.name());
        }
    }

    @Test
    void unknownPresetNamesTheChoices() {
        WeaktrException e = assertThrows(WeaktrException.class, () -> CrfConfig.preset("voc"));
        assertTrue(e.getMessage().contains("weaktr-seg-voc"), e.getMessage());
        assertTrue(CrfConfig.presetOrNone("none").isEmpty());
        assertEquals(CrfConfig.AFA, CrfConfig.presetOrNone("afa").orElseThrow());
    }

    @Test
    void overridesAreCopies() {
        CrfConfig c = CrfConfig.WEAKTR_SEG_VOC.withIterations(3).withGtProb(0.9);
        assertEquals(3, c.iterations());
        assertEquals(0.9, c.gtProb());
        assertEquals(10, CrfConfig.WEAKTR_SEG_VOC.iterations());
        assertThrows(WeaktrException.class, () -> CrfConfig.AFA.withGtProb(1.0));
        assertThrows(WeaktrException.class, () -> CrfConfig.AFA.withIterations(-1));
    }
}
