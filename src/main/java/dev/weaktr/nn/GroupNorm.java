package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;

/**
 * GroupNorm ({@code torch.nn.GroupNorm}, affine): the channels of {@code [B, C, H, W]} split into G groups, each
 * normalised over its channels and pixels with the biased variance, then scaled and shifted per channel.
 * State-dict names {@code weight}, {@code bias}; no buffers (the same in training and inference).
 */
public final class GroupNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final int groups;
    private final float eps;

    public GroupNorm(Parameters p, String name, int groups, int channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(name + ": " + channels + " channels in " + groups + " groups");
        }
        this.weight = p.constant(name + ".weight", 1f, channels);
        this.bias = p.constant(name + ".bias", 0f, channels);
        this.groups = groups;
        this.eps = eps;
    }

    /** {@code [B, C, H, W] -> [B, C, H, W]}. */
    public NDArray forward(NDArray x) {
        long b = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        NDArray g = x.reshape(b, groups, -1); // [B, G, C/G·H·W]
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(var.add(eps).sqrt()).reshape(b, c, h, w);
        return normed.mul(weight.reshape(1, c, 1, 1)).add(bias.reshape(1, c, 1, 1));
    }
}
