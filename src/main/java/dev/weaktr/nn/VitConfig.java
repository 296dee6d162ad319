package dev.weaktr.nn;

import dev.weaktr.WeaktrException;
import java.util.List;

/**
 * Shape of a plain Vision Transformer, timm style: plain fields, named presets.
 *
 * @param name preset name, recorded in run.json
 * @param patch patch size (pixels)
 * @param dim embedding width D
 * @param depth number of blocks L
 * @param heads attention heads H (head width D/H)
 * @param mlpRatio MLP hidden width / D
 * @param layerNormEps LayerNorm epsilon (1e-6 for the WeakTr CAM model, spec §1.1)
 * @param dropPath stochastic depth rate of the last block (linear from 0 over the blocks)
 * @param imageSize training input size; the stored position grid is imageSize/patch square
 */
public record VitConfig(
        String name, int patch, int dim, int depth, int heads, double mlpRatio, float layerNormEps,
        double dropPath, int imageSize) {

    /** DeiT-S/16, the paper's CAM backbone (spec §1.1). */
    public static final VitConfig DEIT_SMALL = new VitConfig("deit-small", 16, 384, 12, 6, 4, 1e-6f, 0.1, 224);
    /** DeiT-Ti/16. */
    public static final VitConfig DEIT_TINY = new VitConfig("deit-tiny", 16, 192, 12, 3, 4, 1e-6f, 0.1, 224);
    /** A small ViT that trains from scratch in minutes on 2 CPU cores (the demo's model). */
    public static final VitConfig CPU_DEMO = new VitConfig("cpu-demo", 16, 192, 4, 3, 2, 1e-6f, 0.05, 128);

    public static final List<VitConfig> PRESETS = List.of(DEIT_SMALL, DEIT_TINY, CPU_DEMO);

    public int gridSize() {
        return imageSize / patch;
    }

    public int mlpHidden() {
        return (int) Math.round(dim * mlpRatio);
    }

    public static VitConfig preset(String name) {
        for (VitConfig c : PRESETS) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new WeaktrException("unknown model preset '" + name + "' (--model); expected one of "
                + PRESETS.stream().map(VitConfig::name).toList());
    }

    /** The same shape with another LayerNorm epsilon (Segmenter's encoder uses PyTorch's default 1e-5). */
    public VitConfig withLayerNormEps(float eps) {
        return new VitConfig(name, patch, dim, depth, heads, mlpRatio, eps, dropPath, imageSize);
    }

    public VitConfig withImageSize(int size) {
        return new VitConfig(name, patch, dim, depth, heads, mlpRatio, layerNormEps, dropPath, size);
    }
}
