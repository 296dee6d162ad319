package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.weaktr.nn.BatchNorm2d;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Parameters;

/**
 * DPT's fusion block as GETAM builds it ({@code FeatureFusionBlock_custom} with {@code bn=True}, ReLU, no expand,
 * align_corners True; {@code scratch.refinenet{n}}): {@code out = x₀ (+ RCU₁(x₁))}, {@code out = RCU₂(out)}, ×2
 * bilinear upsampling (align_corners True), then the 1×1 {@code out_conv}. A residual conv unit is
 * {@code x + BN(conv(ReLU(BN(conv(ReLU(x))))))}, its 3×3 convs without bias.
 */
final class FusionBlock {
    private final ResidualConvUnit rcu1;
    private final ResidualConvUnit rcu2;
    private final Conv2d outConv;

    FusionBlock(Parameters p, String name, int features) {
        this.outConv = Conv2d.torchDefault(p, name + ".out_conv", features, features, 1, true);
        this.rcu1 = new ResidualConvUnit(p, name + ".resConfUnit1", features);
        this.rcu2 = new ResidualConvUnit(p, name + ".resConfUnit2", features);
    }

    /**
     * @param x0 [B, F, h, w] the coarser path (or the deepest reassembled map)
     * @param x1 [B, F, h, w] the skip input, or {@code null} for refinenet4
     * @return [B, F, 2h, 2w]
     */
    NDArray forward(NDArray x0, NDArray x1, boolean training) {
        NDArray out = x1 == null ? x0 : x0.add(rcu1.forward(x1, training));
        out = rcu2.forward(out, training);
        out = BilinearResize.resizeAlignCorners(out, (int) out.getShape().get(2) * 2, (int) out.getShape().get(3) * 2);
        return outConv.forward(out);
    }

    private static final class ResidualConvUnit {
        private final Conv2d conv1;
        private final Conv2d conv2;
        private final BatchNorm2d bn1;
        private final BatchNorm2d bn2;

        ResidualConvUnit(Parameters p, String name, int features) {
            this.conv1 = Conv2d.torchDefault(p, name + ".conv1", features, features, 3, false);
            this.conv2 = Conv2d.torchDefault(p, name + ".conv2", features, features, 3, false);
            this.bn1 = new BatchNorm2d(p, name + ".bn1", features);
            this.bn2 = new BatchNorm2d(p, name + ".bn2", features);
        }

        NDArray forward(NDArray x, boolean training) {
            NDArray out = bn1.forward(conv1.forward(Activation.relu(x)), training);
            out = bn2.forward(conv2.forward(Activation.relu(out)), training);
            return out.add(x);
        }
    }
}
