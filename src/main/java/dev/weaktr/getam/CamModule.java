package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Ops;
import dev.weaktr.nn.Parameters;

/**
 * GETAM's squeeze-excitation "cam_module" on the finest fused map (official {@code SELayer}, peers.md §3.1):
 * {@code body} = 3×3 conv → ReLU → 3×3 conv (with bias); channel weights {@code y = σ(fc₂(ReLU(fc₁(GAP(body)))))}
 * (no bias, reduction 16); output {@code body·y + x}.
 */
final class CamModule {
    private final Conv2d body0;
    private final Conv2d body2;
    private final Linear fc0;
    private final Linear fc2;

    CamModule(Parameters p, String name, int channels) {
        this.body0 = Conv2d.torchDefault(p, name + ".body.0", channels, channels, 3, true);
        this.body2 = Conv2d.torchDefault(p, name + ".body.2", channels, channels, 3, true);
        this.fc0 = Linear.torchDefault(p, name + ".fc.0", channels, channels / 16, false);
        this.fc2 = Linear.torchDefault(p, name + ".fc.2", channels / 16, channels, false);
    }

    /** {@code [B, C, H, W] -> [B, C, H, W]}. */
    NDArray forward(NDArray x) {
        NDArray body = body2.forward(Activation.relu(body0.forward(x)));
        long b = body.getShape().get(0), c = body.getShape().get(1);
        NDArray y = Ops.mean(body, 2, 3).reshape(b, c);
        y = Activation.sigmoid(fc2.forward(Activation.relu(fc0.forward(y)))).reshape(b, c, 1, 1);
        return body.mul(y).add(x);
    }
}
