package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.weaktr.nn.GroupNorm;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.SamePadding;
import dev.weaktr.nn.StdConv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * The ResNet stem of timm's hybrid ViT ({@code vit_base_resnet50_384} = {@code vit_base_r50_s16_384}), as the timm
 * version vendored by GETAM builds it ({@code models/resnetv2.py}, {@code _resnetv2((3, 4, 9))}): a ResNetV2
 * <em>without</em> pre-activation, every conv a {@link StdConv2d} (weight standardisation, TF "SAME" padding), every
 * norm a {@link GroupNorm} of 32 groups (eps 1e-5; the "batch norms" of a ResNet-50 are GroupNorms here):
 * <ul>
 *   <li>{@code stem.conv} 7×7/2 → {@code stem.norm} + ReLU → 3×3/2 max pool (SAME, −∞ padding): stride 4;</li>
 *   <li>stages of {@link Bottleneck}s ({@code stages.i.blocks.j}), the first block of a stage strided (1 for stage
 *   0, else 2) with a {@code downsample} (1×1 StdConv + GroupNorm) shortcut.</li>
 * </ul>
 * No final norm (non-pre-activation). {@link #forward} returns every stage's output: DPT reads stages 0 and 1, the
 * ViT's patch projection the last.
 */
public final class ResNetV2 {
    /**
     * @param layers blocks per stage ((3, 4, 9) for ViT-B hybrid: ResNet-50 without its last stage)
     * @param channels output width per stage ((256, 512, 1024)); the bottleneck width is a quarter
     * @param stemChannels the stem conv's width (64)
     */
    public record Config(int[] layers, int[] channels, int stemChannels) {
        public static final Config R50_HYBRID = new Config(new int[] {3, 4, 9}, new int[] {256, 512, 1024}, 64);

        public int outChannels() {
            return channels[channels.length - 1];
        }
    }

    private final StdConv2d stemConv;
    private final GroupNorm stemNorm;
    private final List<List<Bottleneck>> stages = new ArrayList<>();

    public ResNetV2(Parameters p, Config config) {
        this.stemConv = new StdConv2d(p, "stem.conv", 3, config.stemChannels(), 7, 2);
        this.stemNorm = new GroupNorm(p, "stem.norm", 32, config.stemChannels(), 1e-5f);
        int prev = config.stemChannels();
        for (int s = 0; s < config.layers().length; s++) {
            List<Bottleneck> blocks = new ArrayList<>();
            int out = config.channels()[s];
            for (int j = 0; j < config.layers()[s]; j++) {
                int stride = j == 0 && s > 0 ? 2 : 1;
                blocks.add(new Bottleneck(p, "stages." + s + ".blocks." + j, prev, out, stride, j == 0));
                prev = out;
            }
            stages.add(blocks);
        }
    }

    /** @param images [B, 3, H, W] → one map per stage, [B, channels_i, H/4/2^i, W/4/2^i] (ceil). */
    public List<NDArray> forward(NDArray images) {
        NDArray x = Activation.relu(stemNorm.forward(stemConv.forward(images)));
        x = SamePadding.maxPool(x, 3, 2);
        List<NDArray> out = new ArrayList<>(stages.size());
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                x = b.forward(x);
            }
            out.add(x);
        }
        return out;
    }

    /**
     * timm's non-pre-activation {@code Bottleneck}: 1×1 → GN+ReLU → 3×3 (stride) → GN+ReLU → 1×1 → GN, plus the
     * shortcut (the {@code downsample} 1×1/stride StdConv + GN in a stage's first block), then ReLU.
     */
    static final class Bottleneck {
        private final StdConv2d conv1;
        private final GroupNorm norm1;
        private final StdConv2d conv2;
        private final GroupNorm norm2;
        private final StdConv2d conv3;
        private final GroupNorm norm3;
        private final StdConv2d downConv; // null: identity shortcut
        private final GroupNorm downNorm;

        Bottleneck(Parameters p, String name, int in, int out, int stride, boolean downsample) {
            int mid = makeDivisible(out * 0.25);
            this.downConv = downsample ? new StdConv2d(p, name + ".downsample.conv", in, out, 1, stride) : null;
            this.downNorm = downsample ? new GroupNorm(p, name + ".downsample.norm", 32, out, 1e-5f) : null;
            this.conv1 = new StdConv2d(p, name + ".conv1", in, mid, 1, 1);
            this.norm1 = new GroupNorm(p, name + ".norm1", 32, mid, 1e-5f);
            this.conv2 = new StdConv2d(p, name + ".conv2", mid, mid, 3, stride);
            this.norm2 = new GroupNorm(p, name + ".norm2", 32, mid, 1e-5f);
            this.conv3 = new StdConv2d(p, name + ".conv3", mid, out, 1, 1);
            this.norm3 = new GroupNorm(p, name + ".norm3", 32, out, 1e-5f);
        }

        NDArray forward(NDArray x) {
            NDArray shortcut = downConv == null ? x : downNorm.forward(downConv.forward(x));
            NDArray y = Activation.relu(norm1.forward(conv1.forward(x)));
            y = Activation.relu(norm2.forward(conv2.forward(y)));
            y = norm3.forward(conv3.forward(y));
            return Activation.relu(y.add(shortcut));
        }

        /** timm's {@code make_div(v, 8)}. */
        private static int makeDivisible(double v) {
            int n = Math.max(8, (int) (v + 4) / 8 * 8);
            return n < 0.9 * v ? n + 8 : n;
        }
    }
}
