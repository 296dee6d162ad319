package dev.weaktr.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastExpTest {
    /** Relative error ≤ 3e-7 (about 2 float ulp) on a dense sweep of [−87, 0]; ≤ 1.2e-38 far below. */
    @Test
    void matchesMathExp() {
        double worst = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -87f * i / 2_000_000f;
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(FastExp.expNonPositive(x) - exact) / exact);
        }
        assertTrue(worst <= 3e-7, "worst relative error " + worst);
        assertEquals(1f, FastExp.expNonPositive(0f), 0f);
        float far = FastExp.expNonPositive(-1000f);
        assertTrue(far >= 0 && far <= 1.3e-38f, "exp(-1000) = " + far);
        assertEquals(Math.exp(-1), FastExp.expNonPositive(-1f), 1e-7);
    }
}
