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
 * @param blocks block variant (LayerScale, SwiGLU, EVA-02 attention; backbones-spec §3); absent in older
 *     run.json files, which means {@link BlockStyle#PLAIN}
 */
public record VitConfig(
        String name, int patch, int dim, int depth, int heads, double mlpRatio, float layerNormEps,
        double dropPath, int imageSize, BlockStyle blocks) {
    public VitConfig {
        blocks = blocks == null ? BlockStyle.PLAIN : blocks;
    }

    /** A plain (DeiT/ViT block) shape. */
    public VitConfig(String name, int patch, int dim, int depth, int heads, double mlpRatio, float layerNormEps,
            double dropPath, int imageSize) {
        this(name, patch, dim, depth, heads, mlpRatio, layerNormEps, dropPath, imageSize, BlockStyle.PLAIN);
    }

    /** DeiT-S/16, the paper's CAM backbone (spec §1.1). */
    public static final VitConfig DEIT_SMALL = new VitConfig("deit-small", 16, 384, 12, 6, 4, 1e-6f, 0.1, 224);
    /** DeiT-Ti/16. */
    public static final VitConfig DEIT_TINY = new VitConfig("deit-tiny", 16, 192, 12, 3, 4, 1e-6f, 0.1, 224);
    /** A small ViT that trains from scratch in minutes on 2 CPU cores (the demo's model). */
    public static final VitConfig CPU_DEMO = new VitConfig("cpu-demo", 16, 192, 4, 3, 2, 1e-6f, 0.05, 128);


    // The journal-version retraining encoders (backbones-spec §1): patch 16, LN eps 1e-5, 480 crop (30×30 grid).
    /** AugReg ViT-S/16 (ImageNet-21k → 1k, 384 px), WeakTr†. */
    public static final VitConfig VIT_SMALL = new VitConfig("vit-small", 16, 384, 12, 6, 4, 1e-5f, 0.1, 480);
    /** DINOv2 ViT-S with LayerScale (weights patch 14, resampled to 16), WeakTr^D. */
    public static final VitConfig DINOV2_SMALL =
            new VitConfig("dinov2-small", 16, 384, 12, 6, 4, 1e-5f, 0.1, 480, BlockStyle.DINOV2);
    /** EVA-02-S: SwiGLU 1024, q/v bias, 2-D RoPE, WeakTr^E. */
    public static final VitConfig EVA02_SMALL =
            new VitConfig("eva02-small", 16, 384, 12, 6, 8.0 / 3, 1e-5f, 0.1, 480, BlockStyle.EVA02);
    /** EVA-02-Ti: width 192, 3 heads, SwiGLU 512 (no released WeakTr checkpoint). */
    public static final VitConfig EVA02_TINY =
            new VitConfig("eva02-tiny", 16, 192, 12, 3, 8.0 / 3, 1e-5f, 0.1, 480, BlockStyle.EVA02);

    public static final List<VitConfig> PRESETS =
            List.of(DEIT_SMALL, DEIT_TINY, CPU_DEMO, VIT_SMALL, DINOV2_SMALL, EVA02_SMALL, EVA02_TINY);

    public int gridSize() {
        return imageSize / patch;
    }

    /** MLP hidden width: 4·D (GELU MLP), int(D·8/3) for EVA-02's SwiGLU (1024 at D = 384, 512 at 192). */
    public int mlpHidden() {
        return (int) Math.round(dim * mlpRatio);
    }

    public int headDim() {
        return dim / heads;
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
        return new VitConfig(name, patch, dim, depth, heads, mlpRatio, eps, dropPath, imageSize, blocks);
    }

    /** The same shape at another depth (scaled-down tests and smoke runs). */
    public VitConfig withDepth(int newDepth) {
        return new VitConfig(name, patch, dim, newDepth, heads, mlpRatio, layerNormEps, dropPath, imageSize, blocks);
    }

    public VitConfig withImageSize(int size) {
        return new VitConfig(name, patch, dim, depth, heads, mlpRatio, layerNormEps, dropPath, size, blocks);
    }
}
