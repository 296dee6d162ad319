package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/**
 * Transposed convolution whose kernel equals its stride (no overlap, no padding), as DPT's reassemble upsamplers
 * use it: every input pixel becomes a k×k block, {@code y[o, i·k+a, j·k+b] = Σ_c x[c, i, j]·W[c, o, a, b] + bias[o]}.
 * Weight {@code [in, out, k, k]} and bias {@code [out]} as {@code torch.nn.ConvTranspose2d}; PyTorch's default init
 * (uniform ±1/√(out·k·k), its fan-in of the transposed weight).
 */
public final class ConvTranspose2d {
    private final NDArray weight;
    private final NDArray bias;
    private final int k;

    public ConvTranspose2d(Parameters p, String name, int in, int out, int kernel) {
        double bound = 1 / Math.sqrt((double) out * kernel * kernel);
        this.weight = p.uniform(name + ".weight", bound, in, out, kernel, kernel);
        this.bias = p.uniform(name + ".bias", bound, out);
        this.k = kernel;
    }

    /** {@code [B, in, h, w] -> [B, out, h·k, w·k]}. */
    public NDArray forward(NDArray x) {
        long b = x.getShape().get(0), in = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        long out = weight.getShape().get(1);
        NDArray wt = weight.reshape(in, out * k * k).transpose(); // [out·k·k, in]
        NDArray y = wt.matMul(x.reshape(b, in, h * w)); // [B, out·k·k, hw]
        y = y.reshape(b, out, k, k, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(b, out, h * k, w * k);
        return y.add(bias.reshape(1, out, 1, 1));
    }
}
