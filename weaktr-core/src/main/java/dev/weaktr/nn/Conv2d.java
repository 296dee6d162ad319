package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * 2-D convolution, weight {@code [out, in/groups, k, k]}, optional bias {@code [out]}. Initialised as
 * SegFormer's {@code _init_weights} does for every conv: normal(0, √(2/fan_out)) with
 * fan_out = k·k·out/groups, zero bias.
 */
public final class Conv2d {
    private final NDArray weight;
    private final NDArray bias; // null without bias
    private final Shape stride;
    private final Shape padding;
    private final int groups;

    public Conv2d(Parameters p, String name, int in, int out, int kernel, int stride, int padding, int groups,
            boolean withBias) {
        double fanOut = (double) kernel * kernel * out / groups;
        this.weight = p.normal(name + ".weight", Math.sqrt(2.0 / fanOut), out, in / groups, kernel, kernel);
        this.bias = withBias ? p.constant(name + ".bias", 0f, out) : null;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.groups = groups;
    }

    /**
     * A conv whose tensors the caller registered (another init): {@code weight [out, in/groups, k, k]},
     * {@code bias [out]} or null.
     */
    public Conv2d(NDArray weight, NDArray bias, int stride, int padding, int groups) {
        this.weight = weight;
        this.bias = bias;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.groups = groups;
    }

    /** PyTorch's default nn.Conv2d init (kaiming_uniform a=√5): weight and bias uniform in ±1/√(in·k·k). */
    public static Conv2d torchDefault(Parameters p, String name, int in, int out, int kernel, boolean withBias) {
        double bound = 1 / Math.sqrt((double) in * kernel * kernel);
        return new Conv2d(p.uniform(name + ".weight", bound, out, in, kernel, kernel),
                withBias ? p.uniform(name + ".bias", bound, out) : null, 1, kernel / 2, 1);
    }

    /**
     * {@code [B, in, H, W] -> [B, out, H', W']} with H' = ⌊(H + 2·pad − k)/stride⌋ + 1.
     *
     * <p>Dense and depthwise convolutions are computed from k² strided slices of the zero-padded input (a matmul,
     * resp. a weighted sum), not with libtorch's convolution: libtorch 2.5.1's CPU convolution (oneDNN 3.5.3, the
     * {@code jit:avx512_core} and {@code brg_conv_fwd:avx512_core} kernels) returns wrong values when the channel
     * count must be padded to the kernel's block (Conv2dTest: a 2×2 stride-2 conv, batch 2, 6×8 input, errors up
     * to 0.48 with 40 or 24 channels, 1.0 for 48 channels in channels-last layout; 32 and 64 exact). Not the
     * freed-scalar bug of {@link Ops#scalar}: no autograd, deterministic, the same with libtorch-owned copies of the
     * inputs. The same numbers are right in torch 1.13 (oneDNN 2.6.3, same kernels, oneDNN on or off), in torch 2.13
     * (oneDNN 3.12), in the direct sum, and in libtorch 2.5.1 itself under {@code ONEDNN_MAX_CPU_ISA=AVX2}; DJL exposes
     * no switch for oneDNN.
     * Measured on AMD EPYC with AVX-512 (bf16); other CPUs may be unaffected, the workaround is right on all.
     */
    public NDArray forward(NDArray x) {
        long in = x.getShape().get(1);
        long out = weight.getShape().get(0);
        if (groups != 1 && groups != in) {
            return x.getNDArrayInternal()
                    .convolution(x, weight, bias, stride, padding, new Shape(1, 1), groups)
                    .singletonOrThrow();
        }
        int k = (int) weight.getShape().get(2), s = (int) stride.get(0), pad = (int) padding.get(0);
        long b = x.getShape().get(0);
        NDArray xp = pad == 0 ? x : zeroPad(x, pad);
        long hp = xp.getShape().get(2), wp = xp.getShape().get(3);
        if (hp < k || wp < k) {
            throw new IllegalArgumentException("conv input " + x.getShape() + " (padded " + hp + "x" + wp
                    + ") is smaller than the kernel " + k + "x" + k);
        }
        long oh = (hp - k) / s + 1, ow = (wp - k) / s + 1;
        NDArray y;
        if (groups == 1) {
            ai.djl.ndarray.NDList slices = new ai.djl.ndarray.NDList(k * k);
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    slices.add(slice(xp, ky, kx, s, oh, ow));
                }
            }
            NDArray cols = ai.djl.ndarray.NDArrays.stack(slices, 2).reshape(b, in * k * k, oh * ow); // [B, C·k², N]
            y = weight.reshape(out, in * k * k).matMul(cols); // [B, out, N]
            y = y.reshape(b, out, oh, ow);
        } else {
            y = null;
            NDArray w = weight.reshape(out, k * k);
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    NDArray term = slice(xp, ky, kx, s, oh, ow).mul(w.get(":, {}", ky * k + kx).reshape(1, out, 1, 1));
                    y = y == null ? term : y.add(term);
                }
            }
        }
        return bias == null ? y : y.add(bias.reshape(1, out, 1, 1));
    }

    private static NDArray slice(NDArray xp, int ky, int kx, int s, long oh, long ow) {
        return xp.get(new ai.djl.ndarray.index.NDIndex(":, :, {}:{}:{}, {}:{}:{}", ky, ky + s * (oh - 1) + 1, s,
                kx, kx + s * (ow - 1) + 1, s));
    }

    private static NDArray zeroPad(NDArray x, int pad) {
        long b = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        NDArray rows = x.getManager().zeros(new Shape(b, c, pad, w), x.getDataType());
        NDArray y = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(rows, x, rows), 2);
        NDArray cols = x.getManager().zeros(new Shape(b, c, h + 2L * pad, pad), x.getDataType());
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(cols, y, cols), 3);
    }

    public NDArray weight() {
        return weight;
    }
}
