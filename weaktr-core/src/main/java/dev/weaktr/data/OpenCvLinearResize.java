package dev.weaktr.data;

/**
 * OpenCV's {@code cv2.resize(img, (w, h))} (INTER_LINEAR) of an 8-bit image, bit for bit: the fixed-point path of
 * OpenCV 4's {@code imgproc/resize.cpp} that the official GETAM {@code test.py} goes through. Half-pixel centres,
 * source coordinates in float, coefficients rounded to 11 bits ({@code INTER_RESIZE_COEF_SCALE} = 2048); the horizontal
 * pass in exact integers ({@code HResizeLinear}); the vertical pass as its vectorised kernel
 * ({@code VResizeLinearVec_32s8u}): {@code ((S0 >> 4) * b0 >> 16) + ((S1 >> 4) * b1 >> 16)}, then {@code (v + 2) >> 2}
 * saturated (equal to cv2 5.0.0 on every byte of {@code OpenCvLinearResizeTest}'s fixture, a row whose byte count
 * is not a multiple of the SIMD width included; OpenCV's scalar tail rounds {@code (v + 2^21) >> 22}, which could
 * differ by one level on other builds). A downscale by exactly 2 in both directions is
 * OpenCV's INTER_AREA fast path (the rounded mean of 2 × 2 pixels), as OpenCV itself substitutes.
 * (The project's float bilinear resizes, {@code BilinearResize} and {@code BilinearUpsample}, stay the resizes of
 * tensors; this one only reproduces OpenCV's 8-bit input resize.)
 */
public final class OpenCvLinearResize {
    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private OpenCvLinearResize() {}

    /**
     * @param src interleaved 8-bit pixels [h, w, channels]
     * @return interleaved 8-bit pixels [outH, outW, channels]
     */
    public static byte[] resize(byte[] src, int h, int w, int channels, int outH, int outW) {
        if (src.length != h * w * channels) {
            throw new IllegalArgumentException("image of " + src.length + " bytes is not " + h + "x" + w + "x" + channels);
        }
        if (h == 2 * outH && w == 2 * outW) {
            return halve(src, w, channels, outH, outW);
        }
        double scaleX = (double) w / outW, scaleY = (double) h / outH;
        int[] xofs = new int[outW];
        short[] alpha = new short[2 * outW];
        for (int dx = 0; dx < outW; dx++) {
            float fx = (float) ((dx + 0.5) * scaleX - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx >= w - 1) {
                fx = 0;
                sx = w - 1;
            }
            xofs[dx] = sx;
            alpha[2 * dx] = saturateShort((1.f - fx) * COEF_SCALE);
            alpha[2 * dx + 1] = saturateShort(fx * COEF_SCALE);
        }
        // horizontal pass of every source row: D = S[sx]*a0 + S[sx+1]*a1 (integers, scale 2048)
        int rowLen = outW * channels;
        int[][] rows = new int[h][];
        for (int y = 0; y < h; y++) {
            int[] d = new int[rowLen];
            int base = y * w * channels;
            for (int dx = 0; dx < outW; dx++) {
                int sx = xofs[dx];
                int a0 = alpha[2 * dx], a1 = alpha[2 * dx + 1];
                for (int c = 0; c < channels; c++) {
                    int s0 = src[base + sx * channels + c] & 0xff;
                    d[dx * channels + c] = sx + 1 < w ? s0 * a0 + (src[base + (sx + 1) * channels + c] & 0xff) * a1
                            : s0 * COEF_SCALE; // OpenCV's x >= xmax branch: S[sx] * ONE
                }
            }
            rows[y] = d;
        }
        byte[] out = new byte[outH * rowLen];
        for (int dy = 0; dy < outH; dy++) {
            float fy = (float) ((dy + 0.5) * scaleY - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            int b0 = saturateShort((1.f - fy) * COEF_SCALE), b1 = saturateShort(fy * COEF_SCALE);
            int[] s0 = rows[Math.min(Math.max(sy, 0), h - 1)], s1 = rows[Math.min(Math.max(sy + 1, 0), h - 1)];
            for (int x = 0; x < rowLen; x++) {
                int v = (((s0[x] >> 4) * b0) >> 16) + (((s1[x] >> 4) * b1) >> 16);
                out[dy * rowLen + x] = (byte) Math.min(255, Math.max(0, (v + 2) >> 2));
            }
        }
        return out;
    }

    private static byte[] halve(byte[] src, int w, int channels, int outH, int outW) {
        byte[] out = new byte[outH * outW * channels];
        int stride = w * channels;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < channels; c++) {
                    int i = 2 * y * stride + 2 * x * channels + c;
                    int sum = (src[i] & 0xff) + (src[i + channels] & 0xff) + (src[i + stride] & 0xff)
                            + (src[i + stride + channels] & 0xff);
                    out[(y * outW + x) * channels + c] = (byte) ((sum + 2) >> 2);
                }
            }
        }
        return out;
    }

    private static short saturateShort(float v) {
        int r = (int) Math.rint(v); // cvRound: round half to even
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
    }
}
