package dev.weaktr.getam;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.weaktr.cam.BilinearUpsample;
import dev.weaktr.nn.Attention;
import dev.weaktr.nn.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The GETAM map (peers.md §3.2; official {@code DPTSegmentationModel.generate_cam_2} and its caller in
 * {@code train_from_init.py}): for each image and each present class c, back-propagate the class logit s_c and read
 * G_b = ∂s_c/∂A_b for every block's post-softmax attention A_b [heads, T, T]; then
 * <pre>  M = Σ_{b ≥ start_layer} mean_heads(ReLU(G_b ⊙ A_b)) ⊙ mean_heads(ReLU(G_b))</pre>
 * (the code's "cam × gradient²"; the paper writes a gradient-weighted attention, the extra ⊙ mean ReLU(G) and
 * start_layer = 6 are the code's), the class-token query row over the patch columns (a distilled DeiT skips its 2
 * prefix tokens), ReLU, as the h×w patch grid, upsampled bilinearly (align_corners True) to the image.
 *
 * <p><b>Gradients with respect to an intermediate activation through DJL/libtorch.</b> DJL has no
 * {@code register_hook} and no {@code autograd.grad}; making A a leaf by detaching it would cut every path from A_b
 * through the later blocks' attention. Instead the {@link Attention.AttentionTap} adds a zero leaf Z_b (requires
 * grad) to each A_b: the forward values are unchanged, ∂s/∂Z_b = ∂s/∂(A_b + Z_b) is exactly the gradient the
 * official hook sees, and no path is cut. Each class is one backward with the graph retained
 * ({@link JniUtils#backward} with keepGraph, as the official {@code retain_graph=True}); Z's gradient is read and
 * zeroed between classes. Parameter gradients accumulate as in the official loop (which zeroes them before its
 * second forward): a trainer zeroes them before its own backward.
 */
public final class GetamMap {
    /** The official {@code start_layer}: blocks 6..11 of 12. */
    public static final int START_LAYER = 6;

    /** The first block summed: the official 6 for 12 blocks, half the depth otherwise (2 of the cpu-demo's 4). */
    public static int startLayer(dev.weaktr.backbone.DptVitConfig backbone) {
        return backbone.vit().depth() / 2;
    }

    private GetamMap() {}

    /**
     * @param cls the logits of the classification forward [B, C]
     * @param raw per image and class, the patch-grid map [h·w] (before the upsampling; all zero for absent classes)
     * @param maps per image and class, the upsampled map [H·W] (zero for absent classes)
     */
    public record Result(NDArray cls, float[][][] raw, float[][][] maps, int gridH, int gridW, int height, int width) {}

    /**
     * One classification forward and one backward per present class.
     *
     * @param images [B, 3, H, W] normalised
     * @param present [B][C] the image labels
     * @param startLayer the first block summed ({@link #START_LAYER} for 12 blocks)
     * @param rng drop path while training, {@code null} otherwise (the official first forward is in train mode, but
     *     GETAM's ViTs have no dropout or drop path, so both give the same map)
     */
    public static Result compute(GetamNet net, NDArray images, boolean[][] present, int startLayer,
            SplittableRandom rng) {
        if (!JniUtils.isGradMode()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                return compute(net, images, present, startLayer, rng);
            }
        }
        LeafTap tap = new LeafTap();
        GetamNet.Output o = net.forwardCls(images, rng, tap);
        List<Attention.Output> layers = o.taps().layers();
        int b = (int) images.getShape().get(0), c = (int) o.cls().getShape().get(1);
        int gh = o.taps().gridH(), gw = o.taps().gridW();
        int height = (int) images.getShape().get(2), width = (int) images.getShape().get(3);
        int prefix = net.config().backbone().prefixTokens();
        float[][][] raw = new float[b][c][];
        float[][][] maps = new float[b][c][];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < c; k++) {
                if (!present[i][k]) {
                    raw[i][k] = new float[gh * gw];
                    maps[i][k] = new float[height * width];
                    continue;
                }
                NDArray score = o.cls().get(i, k);
                JniUtils.backward((PtNDArray) score, (PtNDArray) score.onesLike(), true, false);
                NDArray m = null;
                for (int l = startLayer; l < layers.size(); l++) {
                    NDArray z = tap.leaves.get(l);
                    NDArray g = z.getGradient().get(i).duplicate(); // [heads, T, T]
                    JniUtils.zeroGrad((PtNDArray) z);
                    NDArray a = layers.get(l).attention().get(i).stopGradient(); // A + 0 = A
                    NDArray zero = Ops.scalar(g, 0);
                    NDArray cam = g.mul(a).maximum(zero).mean(new int[] {0}); // mean_h ReLU(G ⊙ A)
                    cam = cam.mul(g.maximum(zero).mean(new int[] {0})); // ⊙ mean_h ReLU(G)
                    m = m == null ? cam : m.add(cam);
                }
                for (int l = 0; l < startLayer; l++) {
                    JniUtils.zeroGrad((PtNDArray) tap.leaves.get(l));
                }
                NDArray row = m.get(new NDIndex("0, {}:", prefix)).maximum(Ops.scalar(m, 0)); // ReLU(cams[0, prefix:])
                raw[i][k] = row.toType(DataType.FLOAT32, false).toFloatArray();
                maps[i][k] = BilinearUpsample.resizeAlignCorners(raw[i][k], 1, gh, gw, height, width);
            }
        }
        return new Result(o.cls(), raw, maps, gh, gw, height, width);
    }

    /** Adds a zero leaf to every block's attention, in block order, so that its gradient can be read. */
    private static final class LeafTap implements Attention.AttentionTap {
        final List<NDArray> leaves = new ArrayList<>();

        @Override
        public NDArray apply(NDArray attention) {
            NDArray z = attention.getManager().zeros(attention.getShape(), attention.getDataType());
            z.setRequiresGradient(true);
            leaves.add(z);
            return attention.add(z);
        }
    }
}
