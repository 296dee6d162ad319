package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.weaktr.WeaktrException;
import dev.weaktr.backbone.ResNet;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.GroupNorm;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;
import java.util.ArrayList;
import java.util.List;

/**
 * SemFormer's AffinityNet (IRN's inter-pixel relation network as Puzzle-CAM ships it; {@code core/affinitynet.py};
 * peers.md §4.4): a frozen ResNet whose five stage outputs each pass a 1×1 conv to 32 channels (no bias),
 * GroupNorm(4), a bilinear upsample (align_corners) to stride 4 and ReLU ({@code fc_edge1..5}); their concatenation
 * goes through a 1×1 conv with bias to one channel, the boundary ("edge") logit at stride 4 ({@code fc_edge6}).
 * The affinity of a pixel pair is 1 − the maximum of sigmoid(edge) along the path between them ({@link PathIndex}).
 *
 * <p>The backbone lives in its own {@link Parameters} ({@code backbone.*}, not trained: the official code
 * detaches every stage and keeps it in eval mode); the edge layers in another (the only ones the official optimiser
 * sees).
 */
public final class AffinityNet {
    /**
     * @param backbone the ResNet (official: ResNet-50 with strides (2, 2, 2, 1))
     * @param trainRadius the radius of the training pairs (official: 10, train_affinitynet.py's PathIndex)
     * @param walkRadius the radius of the random walk (official: 5, inference_rw.py's propagate_to_edge)
     * @param pad inference pads every image with zeros (after normalisation) to pad×pad (official: 512)
     */
    public record Config(String name, ResNet.Config backbone, int trainRadius, int walkRadius, int pad) {
        public static final int STRIDE = 4;
        public static final int EDGE_WIDTH = 32;
        public static final int GROUPS = 4;

        public static Config official() {
            return new Config("resnet50", ResNet.Config.resnet50(), 10, 5, 512);
        }

        /** CPU size for the demo and tests: a small ResNet, the official radii, images padded to 128. */
        public static Config cpuDemo() {
            return new Config("cpu-demo", ResNet.Config.cpuDemo(), 10, 5, 128);
        }

        public static Config named(String name) {
            return switch (name) {
                case "resnet50" -> official();
                case "cpu-demo" -> cpuDemo();
                default -> throw new WeaktrException("AffinityNet backbone '" + name + "': resnet50 or cpu-demo");
            };
        }
    }

    private final Config config;
    private final ResNet backbone;
    private final Conv2d[] fcEdge = new Conv2d[5];
    private final GroupNorm[] fcEdgeNorm = new GroupNorm[5];
    private final Conv2d fcEdge6;

    /**
     * @param backboneParams the ResNet's store (its names gain {@code backbone.}); build it non-trainable
     * @param edgeParams the edge layers' store (official names {@code fc_edge1.0.weight} … {@code fc_edge6.bias})
     */
    public AffinityNet(Parameters backboneParams, Parameters edgeParams, Config config) {
        this.config = config;
        this.backbone = new ResNet(backboneParams.scoped("backbone."), config.backbone());
        int[] ch = config.backbone().channels();
        for (int i = 0; i < 5; i++) {
            String n = "fc_edge" + (i + 1);
            fcEdge[i] = Conv2d.torchDefault(edgeParams, n + ".0", ch[i], Config.EDGE_WIDTH, 1, false);
            fcEdgeNorm[i] = new GroupNorm(edgeParams, n + ".1", Config.GROUPS, Config.EDGE_WIDTH, 1e-5f);
        }
        fcEdge6 = Conv2d.torchDefault(edgeParams, "fc_edge6", 5 * Config.EDGE_WIDTH, 1, 1, true);
    }

    public Config config() {
        return config;
    }

    public ResNet backbone() {
        return backbone;
    }

    /**
     * The edge logits ({@code AffinityNet.forward}).
     *
     * @param images [B, 3, H, W], normalised
     * @return [B, 1, h, w] at stride 4 (the stem output's size)
     */
    public NDArray edge(NDArray images) {
        List<NDArray> maps = backbone.forward(images, null).maps();
        int[] strides = config.backbone().totalStrides();
        NDArray first = null;
        List<NDArray> edges = new ArrayList<>(5);
        for (int i = 0; i < 5; i++) {
            NDArray e = fcEdgeNorm[i].forward(fcEdge[i].forward(maps.get(i).stopGradient()));
            double scale = strides[i] / (double) Config.STRIDE;
            if (scale != 1) { // Interpolate(scale_factor, bilinear, align_corners=True, recompute_scale_factor=True)
                int h = (int) Math.floor(e.getShape().get(2) * scale), w = (int) Math.floor(e.getShape().get(3) * scale);
                e = BilinearResize.resize(e, h, w, true);
            }
            e = e.getNDArrayInternal().relu();
            if (i == 1) {
                first = e;
            }
            edges.add(e);
        }
        long h = first.getShape().get(2), w = first.getShape().get(3);
        for (int i = 2; i < 5; i++) { // [..., :edge2.size(2), :edge2.size(3)]
            edges.set(i, edges.get(i).get(new NDIndex(":, :, :{}, :{}", h, w)));
        }
        edges.set(0, edges.get(0).get(new NDIndex(":, :, :{}, :{}", h, w)));
        return fcEdge6.forward(NDArrays.concat(new NDList(edges), 1));
    }

    /**
     * IRN's {@code to_affinity}: for every path of {@code index}, 1 − max of {@code edge} over its points.
     *
     * @param edge [B, 1, H, W] boundary probabilities on {@code index}'s grid
     * @return [B, P, M] affinities, directions in {@link PathIndex} order
     */
    public static NDArray toAffinity(NDArray edge, PathIndex index) {
        long b = edge.getShape().get(0);
        NDArray flat = edge.reshape(b, -1);
        NDManager m = edge.getManager();
        int sources = index.sources();
        List<NDArray> parts = new ArrayList<>();
        for (int g = 0; g < index.groups(); g++) {
            int[] shape = index.groupShape(g);
            long[] idx = index.groupIndices(g);
            long[] batched = new long[(int) b * idx.length];
            for (int i = 0; i < b; i++) {
                System.arraycopy(idx, 0, batched, i * idx.length, idx.length);
            }
            NDArray ind = m.create(batched, new Shape(b, idx.length));
            NDArray dist = flat.gather(ind, 1).reshape(b, shape[0], shape[1], sources); // [B, P_g, L_g, M]
            parts.add(Ops.scalar(dist, 1f).sub(dist.max(new int[] {2})));
        }
        return NDArrays.concat(new NDList(parts), 1);
    }

    /**
     * The boundary map used by the random walk ({@code AffinityNet.get_edge}): the image and its flip, padded with
     * zeros (normalised) on the right and bottom to the configured size, through {@link #edge}; the first
     * ⌊(H−1)/4⌋+1 × ⌊(W−1)/4⌋+1 cells kept; sigmoid of the mean of the logits, the flip's flipped back.
     *
     * @param chw [3, H, W] the normalised image
     * @return [(H−1)/4+1, (W−1)/4+1] boundary probabilities, row-major
     */
    public float[] boundary(NDManager m, float[] chw, int height, int width) {
        int pad = Math.max(config.pad(), Math.max(roundUp16(height), roundUp16(width))); // official: 512, images ≤ 512
        int fh = (height - 1) / Config.STRIDE + 1, fw = (width - 1) / Config.STRIDE + 1;
        float[] both = new float[2 * 3 * pad * pad];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = chw[(c * height + y) * width + x];
                    both[(c * pad + y) * pad + x] = v;
                    both[((3 + c) * pad + y) * pad + (width - 1 - x)] = v;
                }
            }
        }
        NDArray logits = edge(m.create(both, new Shape(2, 3, pad, pad)));
        NDArray e = logits.get(new NDIndex(":, 0, :{}, :{}", fh, fw));
        NDArray mean = e.get(0).div(2).add(e.get(1).flip(1).div(2));
        return Activation.sigmoid(mean).toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static int roundUp16(int v) {
        return (v + 15) / 16 * 16;
    }
}
