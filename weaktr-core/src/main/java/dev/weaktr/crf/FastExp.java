package dev.weaktr.crf;

/**
 * exp(x) in float for the softmax of mean-field inference, about 2 ulp accurate and several times
 * faster than {@link Math#exp}. Cody–Waite range reduction x = k·ln2 + r, |r| ≤ ln2/2, then the degree-7
 * Taylor polynomial of e^r (truncation error r^8/8! &lt; 6e-9) times 2^k built from the exponent bits.
 * k is rounded with the 1.5·2^23 trick, so there is neither a branch nor a float-to-int conversion.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** Inputs are clamped here: e^−87.3 ≈ 1.2e-38 is the smallest normal float's order. */
    private static final float MIN_ARG = -87.3f;
    /** 1.5·2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;

    private FastExp() {}

    /** e^x for x ≤ 0 (the softmax argument after subtracting the maximum); tiny but positive below −87.3. */
    static float expNonPositive(float x) {
        x = Math.max(x, MIN_ARG);
        float t = x * LOG2E + ROUND;
        float kf = t - ROUND;
        int k = Float.floatToRawIntBits(t) - ROUND_BITS;
        float r = x - kf * LN2_HI - kf * LN2_LO;
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
