package dev.weaktr.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Conv2d against a direct sum in double precision, itself checked against PyTorch (torch 1.13
 * {@code F.conv2d} in float64, oneDNN off: the sums below), on fixed inputs {@code x[i] = sin(0.37·i + 0.1)},
 * {@code w[i] = 0.3·cos(0.23·i)} in row-major order. The cases include the shapes on which libtorch 2.5.1's own
 * CPU convolution (oneDNN 3.5.3, AVX-512 kernels) returns wrong values on this project's machines (40 channels,
 * 24 channels, and a channels-last view as MiT's token-to-map reshape makes), which is why Conv2d does not call it.
 */
class Conv2dTest {
    /** b, in, out, h, w, k, stride, pad, groups; PyTorch's Σy and Σ|y|. */
    private static final double[][] CASES = {
        {2, 40, 40, 6, 8, 2, 2, 0, 1, -3.9660148514, 150.3170589853},
        {2, 24, 24, 6, 8, 2, 2, 0, 1, 3.5626358366, 323.5412245384},
        {2, 3, 16, 13, 11, 7, 4, 3, 1, 2.9244769170, 500.5739033170},
        {2, 40, 40, 5, 7, 3, 1, 1, 40, 0.8295466514, 731.2400071450},
    };

    @Test
    void matchesDirectSumAndPyTorch() {
        for (double[] c : CASES) {
            for (boolean channelsLast : new boolean[] {false, true}) {
                check(c, channelsLast);
            }
        }
    }

    private static void check(double[] c, boolean channelsLast) {
        int b = (int) c[0], in = (int) c[1], out = (int) c[2], h = (int) c[3], w = (int) c[4], k = (int) c[5];
        int s = (int) c[6], pad = (int) c[7], groups = (int) c[8], inG = in / groups, outG = out / groups;
        float[] xv = new float[b * in * h * w];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) Math.sin(0.37 * i + 0.1);
        }
        float[] wv = new float[out * inG * k * k];
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) (0.3 * Math.cos(0.23 * i));
        }
        int oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
        double[] want = new double[b * out * oh * ow];
        double sum = 0, sumAbs = 0;
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < out; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double acc = 0;
                        for (int ci = 0; ci < inG; ci++) {
                            int cin = (o / outG) * inG + ci;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = y * s + ky - pad, ix = x * s + kx - pad;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        acc += (double) wv[((o * inG + ci) * k + ky) * k + kx]
                                                * xv[((n * in + cin) * h + iy) * w + ix];
                                    }
                                }
                            }
                        }
                        want[((n * out + o) * oh + y) * ow + x] = acc;
                        sum += acc;
                        sumAbs += Math.abs(acc);
                    }
                }
            }
        }
        // the direct sum is PyTorch's convolution (inputs rounded to float32 here, so 1e-5 relative)
        assertEquals(c[9], sum, 1e-5 * c[10], "Σy vs PyTorch");
        assertEquals(c[10], sumAbs, 1e-5 * c[10], "Σ|y| vs PyTorch");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray x;
            if (channelsLast) { // [B, h·w, C] tokens seen as [B, C, h, w] (MixVisionTransformer.toMap)
                float[] tokens = new float[xv.length];
                for (int n = 0; n < b; n++) {
                    for (int ci = 0; ci < in; ci++) {
                        for (int p = 0; p < h * w; p++) {
                            tokens[(n * h * w + p) * in + ci] = xv[(n * in + ci) * h * w + p];
                        }
                    }
                }
                x = m.create(tokens, new Shape(b, (long) h * w, in)).transpose(0, 2, 1).reshape(b, in, h, w);
            } else {
                x = m.create(xv, new Shape(b, in, h, w));
            }
            NDArray weight = m.create(wv, new Shape(out, inG, k, k));
            float[] got = new Conv2d(weight, null, s, pad, groups).forward(x).toFloatArray();
            float[] libtorch = x.getNDArrayInternal().convolution(x, weight, null, new Shape(s, s), new Shape(pad, pad),
                    new Shape(1, 1), groups).singletonOrThrow().toFloatArray();
            double worst = 0, worstLibtorch = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
                worstLibtorch = Math.max(worstLibtorch, Math.abs(libtorch[i] - want[i]));
            }
            // libtorch's own convolution is reported, not asserted: it depends on the CPU oneDNN dispatches to
            System.out.printf("conv %s%s: Conv2d max |diff| %.2g, libtorch conv max |diff| %.2g%n",
                    java.util.Arrays.toString(java.util.Arrays.copyOf(c, 9)), channelsLast ? " channels-last" : "", worst,
                    worstLibtorch);
            assertEquals(0, worst, 2e-5, "Conv2d vs the direct sum");
        }
    }
}
