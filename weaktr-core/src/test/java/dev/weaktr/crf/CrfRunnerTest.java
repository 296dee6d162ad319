package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.RgbImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrfRunnerTest {
    @Test
    void parallelResultsEqualSequentialOnesInOrder() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(i);
        }
        CrfConfig cfg = CrfConfig.WEAKTR_SEG_VOC.withIterations(3);
        List<float[]> expected = new ArrayList<>();
        for (int i : ids) {
            expected.add(DenseCrf.refine(image(i), probs(i), 3, cfg));
        }
        try (CrfRunner runner = new CrfRunner(3)) {
            assertEquals(3, runner.threads());
            List<float[]> got = runner.map(ids, (w, i) -> DenseCrf.refine(w, image(i), probs(i), 3, cfg));
            for (int i : ids) {
                assertArrayEquals(expected.get(i), got.get(i), "image " + i);
            }
        }
    }

    @Test
    void userErrorsPropagateUnchanged() {
        try (CrfRunner runner = new CrfRunner(2)) {
            assertThrows(WeaktrException.class, () -> runner.map(List.of(1, 2),
                    (w, i) -> DenseCrf.refine(w, image(i), new float[5], 3, CrfConfig.AFA)));
        }
    }

    /** Sizes differ per image, so workers must resize their buffers correctly. */
    private static RgbImage image(int i) {
        return TestImages.halves(20 + 3 * i, 15 + i, i, 6);
    }

    private static float[] probs(int i) {
        RgbImage img = image(i);
        return TestImages.noisyProbabilities(TestImages.halvesLabels(img.width(), img.height(), 3), 3, 100 + i);
    }
}
