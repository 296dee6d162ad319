package dev.weaktr.crf;

/**
 * exp(x) in float for the softmax of mean-field inference, about 2 ulp accurate and several times
 * faster than {@link Math#exp}. Cody–Waite range reduction x = k·ln2 + r, |r| ≤ ln2/2, then the degree-7
 * Taylor polynomial of e^r (truncation error r^8/8! &lt; 6e-9) times 2^k built from the exponent bits.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** Below this, e^x is under the smallest normal float; we return 0 (denormals flushed). */
    private static final float MIN_ARG = -87.3f;

    private FastExp() {}

    /** e^x for x ≤ 0 (the softmax argument after subtracting the maximum); NaN → NaN. */
    static float expNonPositive(float x) {
        if (x < MIN_ARG) {
            return 0f;
        }
        int k = (int) (x * LOG2E - 0.5f); // round half away from zero for x ≤ 0
        float r = x - k * LN2_HI - k * LN2_LO;
        float p = 1f / 5040f;
        p = p * r + 1f / 720f;
        p = p * r + 1f / 120f;
        p = p * r + 1f / 24f;
        p = p * r + 1f / 6f;
        p = p * r + 0.5f;
        p = p * r + 1f;
        p = p * r + 1f;
        return p * Float.intBitsToFloat((k + 127) << 23);
    }
}
