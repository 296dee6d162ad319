package dev.weaktr.afa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Ops;
import java.util.SplittableRandom;

/**
 * AFA's training-time CAM ({@code multi_scale_cam_with_aff_mat}, peers.md §2.2 step 2): for each scale the crop
 * and its flip go through the network; each CAM is upsampled to the crop, merged with its flipped-back twin by
 * element-wise <b>max</b>, ReLU'd; the scales are <b>summed</b>, then normalised per image and class as
 * {@code (cam − min) / (max − min + 1e-5)} (the code's {@code cam + maxpool(−cam)}, then {@code / (maxpool + 1e-5)}).
 * The affinity Â of the largest scale is kept (the un-flipped half).
 */
public final class AfaCam {
    private AfaCam() {}

    /** CAM {@code [B, C, H, W]} in [0, 1] and Â {@code [B, N, N]} of the largest scale, N = gridH·gridW (its c4 grid). */
    public record Result(NDArray cam, NDArray affinity, int gridH, int gridW) {}

    /**
     * @param images {@code [B, 3, H, W]} normalised
     * @param scales e.g. {1.0, 0.5, 1.5}; input size {@code (int)(s·H) × (int)(s·W)}
     * @param rng the network's training randomness (the official code runs these passes in train mode), or null
     */
    public static Result multiScale(AfaNet net, NDArray images, double[] scales, SplittableRandom rng) {
        long b = images.getShape().get(0);
        int h = (int) images.getShape().get(2), w = (int) images.getShape().get(3);
        NDArray sum = null;
        NDArray affinity = null;
        double maxScale = Double.NEGATIVE_INFINITY;
        int gridH = 0, gridW = 0;
        for (double s : scales) {
            NDArray merged;
            NDArray kept = null;
            // each scale's activations (every block's attention logits among them) are freed before the next scale
            try (NDScope scope = new NDScope()) {
                NDArray x = s == 1.0 ? images : BilinearResize.resize(images, (int) (s * h), (int) (s * w));
                NDArray both = NDArrays.concat(new NDList(x, x.flip(3)), 0);
                AfaNet.Output o = net.forward(both, rng);
                NDArray cam = BilinearResize.resize(net.cam(o.c4()), h, w);
                merged = NDArrays.maximum(cam.get("0:{}", b), cam.get("{}:", b).flip(3)).getNDArrayInternal().relu();
                NDScope.unregister(merged);
                if (s > maxScale) {
                    maxScale = s;
                    kept = o.affinity().get("0:{}", b).duplicate();
                    NDScope.unregister(kept);
                    gridH = (int) o.c4().getShape().get(2);
                    gridW = (int) o.c4().getShape().get(3);
                }
            }
            NDScope.register(merged); // now owned by the caller's scope
            if (kept != null) {
                NDScope.register(kept);
                affinity = kept;
            }
            sum = sum == null ? merged : sum.add(merged);
        }
        NDArray min = Ops.max(sum.neg(), 2, 3).neg().expandDims(2).expandDims(3);
        NDArray shifted = sum.sub(min);
        NDArray max = Ops.max(shifted, 2, 3).expandDims(2).expandDims(3);
        return new Result(shifted.div(max.add(1e-5)), affinity, gridH, gridW);
    }
}
