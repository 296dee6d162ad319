package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * BatchNorm over the channel axis of {@code [B, C, H, W]} with PyTorch's semantics and state-dict names:
 * {@code weight}, {@code bias} (trainable), {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked} (buffers). Training normalises with the batch statistics (biased variance) and
 * moves the running ones by {@code momentum} (0.1) towards the batch mean and the unbiased batch variance;
 * inference uses the running statistics.
 */
public final class BatchNorm2d {
    private final NDArray weight;
    private final NDArray bias;
    private final NDArray runningMean;
    private final NDArray runningVar;
    private final NDArray batches;
    private final float eps;
    private final float momentum;

    public BatchNorm2d(Parameters p, String name, int channels) {
        this.weight = p.constant(name + ".weight", 1f, channels);
        this.bias = p.constant(name + ".bias", 0f, channels);
        this.runningMean = p.buffer(name + ".running_mean", 0f, channels);
        this.runningVar = p.buffer(name + ".running_var", 1f, channels);
        this.batches = p.buffer(name + ".num_batches_tracked", 0f);
        this.eps = 1e-5f;
        this.momentum = 0.1f;
    }

    /** @param training batch statistics (and a running-statistics update) instead of the running ones */
    public NDArray forward(NDArray x, boolean training) {
        long c = x.getShape().get(1);
        NDArray mean;
        NDArray var;
        if (training) {
            NDArray perChannel = x.transpose(1, 0, 2, 3).reshape(c, -1); // [C, B·H·W]
            mean = perChannel.mean(new int[] {1});
            var = perChannel.sub(mean.reshape(c, 1)).square().mean(new int[] {1});
            long n = perChannel.getShape().get(1);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray m = mean.stopGradient();
                NDArray v = var.stopGradient().mul(n / (double) Math.max(1, n - 1));
                runningMean.muli(1 - momentum).addi(m.mul(momentum));
                runningVar.muli(1 - momentum).addi(v.mul(momentum));
                batches.addi(1);
            }
        } else {
            mean = runningMean;
            var = runningVar;
        }
        NDArray scale = weight.div(var.add(eps).sqrt()); // [C]
        NDArray shift = bias.sub(mean.mul(scale));
        return x.mul(scale.reshape(1, c, 1, 1)).add(shift.reshape(1, c, 1, 1));
    }
}
