package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weaktr.WeaktrException;
import org.junit.jupiter.api.Test;

class UnariesTest {
    @Test
    void labelsUnaryMatchesPydensecrfByHand() {
        // m = 3, gt_prob 0.7: −log 0.7 = 0.356675, −log(0.3/2) = 1.897120; 255 → −log(1/3) = 1.098612
        byte[] labels = {0, 2, 1, (byte) 255};
        float[] u = Unaries.fromLabels(labels, 3, 0.7);
        float p = 0.356675f;
        float q = 1.897120f;
        float z = 1.098612f;
        float[] expected = {
            p, q, q, z, // label 0 over the 4 pixels
            q, q, p, z, // label 1
            q, p, q, z, // label 2
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], u[i], 1e-5f, "index " + i);
        }
    }

    @Test
    void labelOutOfRangeIsRejected() {
        WeaktrException e = assertThrows(WeaktrException.class, () -> Unaries.fromLabels(new byte[] {0, 3}, 3, 0.7));
        assertEquals(true, e.getMessage().contains("label 3"));
    }

    @Test
    void probabilityUnaryClipsLikeUnaryFromSoftmax() {
        float[] u = Unaries.fromProbabilities(new float[] {0f, 1e-6f, 0.5f, 1f, 3f});
        float floor = (float) -Math.log(1e-5);
        assertEquals(floor, u[0], 1e-5f);
        assertEquals(floor, u[1], 1e-5f);
        assertEquals(0.693147f, u[2], 1e-6f);
        assertEquals(0f, u[3], 0f);
        assertEquals(0f, u[4], 0f);
    }
}
