package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CAAE selection score by hand (scikit-learn's average precision of binary scores). */
class CaaeSelectionTest {
    @Test
    void averagePrecisionOfBinaryScoresByHand() {
        float[] y = {1, 0, 1, 0};
        // scored 1: classes 0 and 1 → P1 = 1/2, R1 = 1/2; all positive: P0 = 2/4 → AP = 1/4 + 1/2·1/2 = 1/2
        assertEquals(0.5, CaaeSelection.averagePrecision(new float[] {0.9f, 0.8f, 0.1f, 0.2f}, y, 0.5), 1e-12);
        // scored 1: exactly the positives → AP 1
        assertEquals(1.0, CaaeSelection.averagePrecision(new float[] {0.9f, 0.1f, 0.7f, 0.2f}, y, 0.5), 1e-12);
        // nothing scored 1 → the single point at recall 1: AP = P0 = 1/2
        assertEquals(0.5, CaaeSelection.averagePrecision(new float[] {0.1f, 0.1f, 0.1f, 0.1f}, y, 0.5), 1e-12);
        // strictly greater: 0.5 is not above 0.5
        assertEquals(0.5, CaaeSelection.averagePrecision(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, y, 0.5), 1e-12);
        // one of three scored-1 classes right, one of two positives found: R1 = 1/2, P1 = 1/3 → 1/6 + 1/4
        assertEquals(1.0 / 6 + 0.25, CaaeSelection.averagePrecision(new float[] {0.9f, 0.9f, 0.1f, 0.9f}, y, 0.5), 1e-12);
    }

    @Test
    void bestThresholdSeparatesThePositives() {
        float[][] s = {{0.9f, 0.2f, 0.6f}, {0.8f, 0.5f, 0.1f}};
        float[][] y = {{1, 0, 1}, {1, 1, 0}};
        CaaeSelection.Score best = CaaeSelection.best(s, y);
        // any th in [0.2, 0.5) ranks both images perfectly; the first such threshold is 0.20 (0.2f > 0.20 is false)
        assertEquals(100.0, best.map(), 1e-9);
        assertEquals(0.2, best.threshold(), 1e-12);
    }
}
