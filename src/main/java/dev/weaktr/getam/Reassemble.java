package dev.weaktr.getam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.weaktr.nn.Conv2d;
import dev.weaktr.nn.ConvTranspose2d;
import dev.weaktr.nn.Linear;
import dev.weaktr.nn.Parameters;

/**
 * DPT's reassemble of one token hook ({@code pretrained.act_postprocess{n}}, GETAM {@code DPT/vit.py}): readout
 * "project" ({@code 0.project.0}: Linear(2D → D) + GELU on each patch token concatenated with the class token),
 * tokens to a map, 1×1 conv to the hook's width ({@code 3}), then the resample ({@code 4}): a 4×4/4 or 2×2/2
 * transposed conv (hooks 1, 2), nothing (hook 3), or a 3×3/2 conv with padding 1 (hook 4).
 */
final class Reassemble {
    /** What follows the 1×1 conv. */
    enum Resample { UP4, UP2, NONE, DOWN2 }

    private final Linear project;
    private final Conv2d conv;
    private final ConvTranspose2d up;
    private final Conv2d down;
    private final int prefix;

    Reassemble(Parameters p, String name, int dim, int width, Resample resample, int prefixTokens) {
        this.project = Linear.torchDefault(p, name + ".0.project.0", 2 * dim, dim, true);
        this.conv = Conv2d.torchDefault(p, name + ".3", dim, width, 1, true);
        this.up = resample == Resample.UP4 ? new ConvTranspose2d(p, name + ".4", width, width, 4)
                : resample == Resample.UP2 ? new ConvTranspose2d(p, name + ".4", width, width, 2) : null;
        if (resample == Resample.DOWN2) {
            double bound = 1 / Math.sqrt(width * 9.0);
            this.down = new Conv2d(p.uniform(name + ".4.weight", bound, width, width, 3, 3),
                    p.uniform(name + ".4.bias", bound, width), 2, 1, 1);
        } else {
            this.down = null;
        }
        this.prefix = prefixTokens;
    }

    /**
     * @param tokens [B, T + hw, D] a block's output (pre-norm)
     * @return [B, width, h', w']
     */
    NDArray forward(NDArray tokens, int h, int w) {
        NDArray patches = tokens.get(new NDIndex(":, {}:, :", prefix)); // [B, hw, D]
        NDArray readout = tokens.get(new NDIndex(":, 0:1, :")).broadcast(patches.getShape()); // x[:, 0], expanded
        NDArray x = project.forward(NDArrays.concat(new NDList(patches, readout), 2)).getNDArrayInternal().gelu();
        long b = x.getShape().get(0), d = x.getShape().get(2);
        NDArray map = conv.forward(x.transpose(0, 2, 1).reshape(b, d, h, w));
        if (up != null) {
            return up.forward(map);
        }
        return down == null ? map : down.forward(map);
    }
}
