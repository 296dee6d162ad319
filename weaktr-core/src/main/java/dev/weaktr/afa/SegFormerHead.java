package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.weaktr.nn.BatchNorm2d;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SegFormer's all-MLP decoder (rulixiang/afa {@code wetr/segformer_head.py}): each stage map c_i is projected to
 * E channels ({@code linear_c{i}.proj}), upsampled bilinearly (align_corners False) to c1's size, the four are
 * concatenated in the order c4, c3, c2, c1, fused by a 1×1 conv without bias + BatchNorm + ReLU
 * ({@code linear_fuse.conv}, {@code linear_fuse.bn}: mmcv's ConvModule with SyncBN), Dropout2d(0.1), and a 1×1
 * conv to K = C + 1 classes ({@code linear_pred}). Output at c1's stride (4).
 */
final class SegFormerHead {
    private final Linear[] linear = new Linear[4];
    private final Conv2d fuse;
    private final BatchNorm2d bn;
    private final Conv2d pred;
    private static final double DROPOUT = 0.1;

    SegFormerHead(Parameters p, int[] inChannels, int embed, int classes) {
        for (int i = 3; i >= 0; i--) { // official construction order: c4, c3, c2, c1
            linear[i] = Linear.torchDefault(p, "linear_c" + (i + 1) + ".proj", inChannels[i], embed, true);
        }
        int in = 4 * embed;
        // mmcv ConvModule.init_weights: kaiming_normal (fan_out, relu) = normal(0, √(2/(E·1·1)))
        this.fuse = new Conv2d(p.normal("linear_fuse.conv.weight", Math.sqrt(2.0 / embed), embed, in, 1, 1), null, 1, 0, 1);
        this.bn = new BatchNorm2d(p, "linear_fuse.bn", embed);
        this.pred = Conv2d.torchDefault(p, "linear_pred", embed, classes, 1, true);
    }

    /**
     * @param maps c1..c4, {@code [B, C_i, h_i, w_i]}
     * @param rng Dropout2d randomness and BatchNorm batch statistics while training; {@code null} at inference
     * @return logits {@code [B, K, h1, w1]}
     */
    NDArray forward(List<NDArray> maps, SplittableRandom rng) {
        NDArray c1 = maps.get(0);
        int h = (int) c1.getShape().get(2), w = (int) c1.getShape().get(3);
        NDList parts = new NDList();
        for (int i = 3; i >= 0; i--) {
            NDArray c = maps.get(i);
            long b = c.getShape().get(0), ch = c.getShape().get(1), hi = c.getShape().get(2), wi = c.getShape().get(3);
            NDArray t = linear[i].forward(c.reshape(b, ch, hi * wi).transpose(0, 2, 1)); // [B, hw, E]
            NDArray m = t.transpose(0, 2, 1).reshape(b, -1, hi, wi);
            parts.add(i == 0 ? m : BilinearResize.resize(m, h, w));
        }
        NDArray x = bn.forward(fuse.forward(NDArrays.concat(parts, 1)), rng != null).getNDArrayInternal().relu();
        x = dropout2d(x, rng);
        return pred.forward(x);
    }

    /** Zeroes whole channels per sample with probability 0.1, scaling the kept ones by 1/0.9 (nn.Dropout2d). */
    private static NDArray dropout2d(NDArray x, SplittableRandom rng) {
        if (rng == null) {
            return x;
        }
        long b = x.getShape().get(0), c = x.getShape().get(1);
        float[] keep = new float[(int) (b * c)];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = rng.nextDouble() < 1 - DROPOUT ? (float) (1 / (1 - DROPOUT)) : 0f;
        }
        return x.mul(x.getManager().create(keep, new ai.djl.ndarray.types.Shape(b, c, 1, 1)).toType(x.getDataType(), false));
    }
}
