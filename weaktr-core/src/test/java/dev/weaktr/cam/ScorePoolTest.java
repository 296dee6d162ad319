package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@code --score-pool topk}: the coarse score is the mean of the top 10 % of a class's patch logits (hand values). */
class ScorePoolTest {
    @Test
    void topKScoreIsTheMeanOfTheHighestTenthOfThePatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one image, two classes, a 4x5 grid: k = round(20 * 0.1) = 2 patches per class
            float[] logits = new float[40];
            for (int i = 0; i < 20; i++) {
                logits[i] = -1 - i * 0.1f; // class 1: all low ...
                logits[20 + i] = 0;
            }
            logits[7] = 3; // ... but two high patches: top-2 mean 2.5 (GAP would be about -1.8)
            logits[13] = 2;
            logits[25] = -4; // class 2: zeros and one low patch: top-2 mean 0
            NDArray coarse = m.create(logits, new Shape(1, 2, 4, 5));
            NDArray zeros = m.zeros(new Shape(1, 2));
            WeakTrCamNet.Output out = new WeakTrCamNet.Output(zeros, zeros, zeros, null, null, coarse, 4, 5);
            NDArray y = m.create(new float[] {0, 1}, new Shape(1, 2));
            CamLoss.Terms t = CamLoss.compute(out, y, true, "topk");
            // multilabel soft margin: mean over classes of softplus(x) − y·x; class 1 (y 0): log(1 + e^2.5); class 2 (y 1): log 2
            double expected = (Math.log1p(Math.exp(2.5)) + Math.log(2)) / 2;
            assertEquals(expected, t.coarse().getFloat(), 1e-5);
            assertEquals(Math.log(2), t.classToken().getFloat(), 1e-6); // the other terms are the official ones
            assertEquals(Math.log(2), CamLoss.compute(out, y, true, "gap").coarse().getFloat(), 1e-6); // gap = official
        }
    }
}
