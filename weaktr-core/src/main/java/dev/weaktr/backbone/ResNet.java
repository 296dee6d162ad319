package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BatchNorm2d;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Parameters;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A ResNet with bottleneck blocks in torchvision's layout and state-dict names ({@code conv1}, {@code bn1},
 * {@code layer1.0.conv1}, …, {@code layer4.2.bn3}, {@code layerN.0.downsample.0/1}): the v1.5 block (stride on the
 * 3×3 conv), 7×7/2 stem conv, 3×3/2 max pool with padding 1. As the Puzzle-CAM/IRN lineage builds it
 * ({@code core/arch_resnet/resnet.py} of SemFormer), the strides of the stem and of layers 2–4 are configurable
 * (AffinityNet: (2, 2, 2, 1), output stride 16) and the batch norms are <em>frozen</em> ({@code FixedBatchNorm}:
 * running statistics, in training too).
 *
 * <p>{@link #forward} returns the five stage outputs the IRN edge branch reads: the stem after the max pool (stride
 * 4), then layers 1–4.
 */
public final class ResNet implements Backbone {
    /**
     * @param layers bottleneck blocks per stage (ResNet-50: 3, 4, 6, 3)
     * @param stem the stem conv's width (64)
     * @param planes each stage's bottleneck width (64, 128, 256, 512; the output is 4×)
     * @param strides the stem conv's stride and those of layers 2, 3, 4 (torchvision: 2, 2, 2, 2)
     */
    public record Config(String name, int[] layers, int stem, int[] planes, int[] strides) {
        /** ResNet-50 as AffinityNet uses it: strides (2, 2, 2, 1), so layer 4 stays at stride 16. */
        public static Config resnet50() {
            return new Config("resnet50", new int[] {3, 4, 6, 3}, 64, new int[] {64, 128, 256, 512}, new int[] {2, 2, 2, 1});
        }

        /** A CPU-sized ResNet for the demo and tests (one block per stage, widths /8). */
        public static Config cpuDemo() {
            return new Config("cpu-demo", new int[] {1, 1, 1, 1}, 16, new int[] {8, 16, 32, 64}, new int[] {2, 2, 2, 1});
        }

        /** The width of each of the five outputs (stem, layers 1–4). */
        public int[] channels() {
            return new int[] {stem, planes[0] * 4, planes[1] * 4, planes[2] * 4, planes[3] * 4};
        }

        /** The total stride of each of the five outputs. */
        public int[] totalStrides() {
            int s = strides[0] * 2;
            int[] out = new int[5];
            out[0] = s;
            out[1] = s;
            for (int i = 1; i < 4; i++) {
                s *= strides[i];
                out[i + 1] = s;
            }
            return out;
        }
    }

    private final Config config;
    private final Parameters params;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<List<Bottleneck>> stages = new ArrayList<>();

    /** Registers the tensors under {@code p}'s prefix; initialised as torchvision does (conv: kaiming normal, fan_out). */
    public ResNet(Parameters p, Config config) {
        this.config = config;
        this.params = p;
        this.conv1 = new Conv2d(p, "conv1", 3, config.stem(), 7, config.strides()[0], 3, 1, false);
        this.bn1 = new BatchNorm2d(p, "bn1", config.stem());
        int in = config.stem();
        for (int s = 0; s < 4; s++) {
            List<Bottleneck> blocks = new ArrayList<>();
            int planes = config.planes()[s];
            int stride = s == 0 ? 1 : config.strides()[s];
            for (int j = 0; j < config.layers()[s]; j++) {
                boolean down = j == 0 && (stride != 1 || in != planes * 4);
                blocks.add(new Bottleneck(p, "layer" + (s + 1) + "." + j, in, planes, j == 0 ? stride : 1, down));
                in = planes * 4;
            }
            stages.add(blocks);
        }
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int[] channels() {
        return config.channels();
    }

    @Override
    public int[] strides() {
        return config.totalStrides();
    }

    /** @param images [B, 3, H, W] → five maps [B, C_i, H/s_i, W/s_i] (stem after the pool, layers 1–4). */
    @Override
    public Features forward(NDArray images, SplittableRandom rng) {
        List<NDArray> maps = new ArrayList<>(5);
        // no graph through this network (inference, or frozen weights on an input without gradient, as AffinityNet's
        // backbone): each block's intermediates (im2col slices, norms) are freed when the block ends, as PyTorch's
        // reference counting would, instead of living until the caller's scope closes
        boolean free = !JniUtils.isGradMode() || (!conv1.weight().hasGradient() && !images.hasGradient());
        NDArray x = block(free, () -> maxPool3x3s2(bn1.forward(conv1.forward(images), false).getNDArrayInternal().relu()));
        maps.add(x);
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                NDArray in = x;
                x = block(free, () -> b.forward(in));
            }
            maps.add(x);
        }
        return new Features(maps, List.of());
    }

    /**
     * Fills every tensor from a torchvision ResNet state dict ({@code resnet50-*.pth} or a safetensors copy; timm's
     * {@code resnet50} uses the same names); {@code fc.*} is dropped, {@code num_batches_tracked} may be absent.
     */
    @Override
    public LoadReport loadPretrained(Path file, boolean strict) {
        WeightFile w = WeightFile.read(file);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        String prefix = params.prefix();
        for (String full : params.all().keySet()) {
            if (!full.startsWith(prefix)) {
                continue;
            }
            String name = full.substring(prefix.length());
            if (w.has(name)) {
                values.put(full, w.tensors().get(name));
                shapes.put(full, w.shape(name));
            } else if (!name.endsWith("num_batches_tracked")) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new WeaktrException(file + ": not a torchvision " + config.name() + " state dict: no '" + missing.get(0)
                    + "' (" + missing.size() + " tensors missing)");
        }
        List<LoadReport.Key> unused = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String k : w.tensors().keySet()) {
            if (k.startsWith("fc.")) {
                dropped.add(k);
            } else if (!values.containsKey(prefix + k)) {
                unused.add(new LoadReport.Key(k, w.shape(k)));
            }
        }
        if (strict && !unused.isEmpty()) {
            throw new WeaktrException(file + ": " + unused.size() + " tensors this " + config.name() + " has no place for, e.g. '"
                    + unused.get(0).name() + "'");
        }
        params.loadSome(values, shapes, file.toString());
        return new LoadReport(file.toString(), new ArrayList<>(values.keySet()), List.of(), List.of(), dropped, List.of(),
                unused, List.of());
    }

    private static NDArray block(boolean free, java.util.function.Supplier<NDArray> f) {
        if (!free) {
            return f.get();
        }
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = f.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /** nn.MaxPool2d(3, stride=2, padding=1): pad with −∞, then the maximum of the 9 strided views. */
    static NDArray maxPool3x3s2(NDArray x) {
        long b = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        NDArray rows = x.getManager().full(new Shape(b, c, 1, w), Float.NEGATIVE_INFINITY, x.getDataType());
        NDArray y = NDArrays.concat(new NDList(rows, x, rows), 2);
        NDArray cols = x.getManager().full(new Shape(b, c, h + 2, 1), Float.NEGATIVE_INFINITY, x.getDataType());
        NDArray xp = NDArrays.concat(new NDList(cols, y, cols), 3);
        long oh = (h + 2 - 3) / 2 + 1, ow = (w + 2 - 3) / 2 + 1;
        NDArray out = null;
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                NDArray s = xp.get(new NDIndex(":, :, {}:{}:2, {}:{}:2", ky, ky + 2 * (oh - 1) + 1, kx, kx + 2 * (ow - 1) + 1));
                out = out == null ? s : out.maximum(s);
            }
        }
        return out;
    }

    /** torchvision's Bottleneck (v1.5): 1×1 → 3×3 (stride) → 1×1 (×4), each with a frozen BN, residual, ReLU. */
    private static final class Bottleneck {
        private final Conv2d conv1, conv2, conv3, down;
        private final BatchNorm2d bn1, bn2, bn3, downBn;

        Bottleneck(Parameters p, String name, int in, int planes, int stride, boolean downsample) {
            conv1 = new Conv2d(p, name + ".conv1", in, planes, 1, 1, 0, 1, false);
            bn1 = new BatchNorm2d(p, name + ".bn1", planes);
            conv2 = new Conv2d(p, name + ".conv2", planes, planes, 3, stride, 1, 1, false);
            bn2 = new BatchNorm2d(p, name + ".bn2", planes);
            conv3 = new Conv2d(p, name + ".conv3", planes, planes * 4, 1, 1, 0, 1, false);
            bn3 = new BatchNorm2d(p, name + ".bn3", planes * 4);
            down = downsample ? new Conv2d(p, name + ".downsample.0", in, planes * 4, 1, stride, 0, 1, false) : null;
            downBn = downsample ? new BatchNorm2d(p, name + ".downsample.1", planes * 4) : null;
        }

        NDArray forward(NDArray x) {
            NDArray y = bn1.forward(conv1.forward(x), false).getNDArrayInternal().relu();
            y = bn2.forward(conv2.forward(y), false).getNDArrayInternal().relu();
            y = bn3.forward(conv3.forward(y), false);
            NDArray identity = down == null ? x : downBn.forward(down.forward(x), false);
            return y.add(identity).getNDArrayInternal().relu();
        }
    }
}
