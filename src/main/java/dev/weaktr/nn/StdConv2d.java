package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/**
 * Convolution with weight standardisation and TF "SAME" padding, the {@code StdConv2dSame} of the timm version that
 * GETAM vendors ({@code models/layers/std_conv.py}): each output filter is standardised over its
 * {@code in·k·k} weights as {@code (w − μ) / (σ + eps)}, σ the biased std, eps 1e-5. (Later timm releases compute
 * {@code (w − μ)/√(σ² + eps)} with eps 1e-8 for the hybrid ViT; the official GETAM code does not.) No bias.
 * Padding is static {@code (k−1)/2} when the stride is 1 and the kernel odd, else computed per input size
 * ({@link SamePadding}).
 */
public final class StdConv2d {
    private final NDArray weight; // [out, in, k, k]
    private final int kernel;
    private final int stride;
    private final float eps;

    public StdConv2d(Parameters p, String name, int in, int out, int kernel, int stride) {
        // timm's ResNetV2 init: kaiming_normal_(mode='fan_out', nonlinearity='relu'): std √(2 / (out·k·k))
        this.weight = p.normal(name + ".weight", Math.sqrt(2.0 / (out * kernel * kernel)), out, in, kernel, kernel);
        this.kernel = kernel;
        this.stride = stride;
        this.eps = 1e-5f;
    }

    /** {@code [B, in, H, W] -> [B, out, ⌈H/s⌉, ⌈W/s⌉]}. */
    public NDArray forward(NDArray x) {
        long out = weight.getShape().get(0);
        NDArray flat = weight.reshape(out, -1);
        NDArray mean = flat.mean(new int[] {1}, true);
        NDArray centred = flat.sub(mean);
        NDArray std = centred.square().mean(new int[] {1}, true).sqrt();
        NDArray w = centred.div(std.add(eps)).reshape(weight.getShape());
        boolean staticPad = stride == 1 && (kernel - 1) % 2 == 0;
        NDArray xp = staticPad ? x : SamePadding.pad(x, kernel, stride, 0f);
        return new Conv2d(w, null, stride, staticPad ? (kernel - 1) / 2 : 0, 1).forward(xp);
    }
}
