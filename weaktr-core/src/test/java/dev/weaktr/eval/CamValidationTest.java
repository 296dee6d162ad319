package dev.weaktr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-image average precision as sklearn's average_precision_score computes it (hand-worked cases). */
class CamValidationTest {
    @Test
    void averagePrecisionByHand() {
        // ranks: pos (P 1/1, R 1/2), neg, pos (P 2/3, R 1): AP = 1/2·1 + 1/2·2/3
        assertEquals(0.5 + 1.0 / 3, CamValidation.averagePrecision(new float[] {0.9f, 0.8f, 0.7f, 0.1f},
                new boolean[] {true, false, true, false}), 1e-12);
        // a tie between the positive and a negative is one threshold: P = 1/2 at R = 1
        assertEquals(0.5, CamValidation.averagePrecision(new float[] {0.5f, 0.5f, 0.1f}, new boolean[] {true, false, false}), 1e-12);
        assertEquals(1.0, CamValidation.averagePrecision(new float[] {0.2f, 0.9f}, new boolean[] {false, true}), 1e-12);
        assertTrue(Double.isNaN(CamValidation.averagePrecision(new float[] {0.2f}, new boolean[] {false})));
    }
}
