package dev.weaktr.backbone;

import dev.weaktr.WeaktrException;
import java.util.Arrays;
import java.util.List;

/**
 * Shape of a Mix Transformer (SegFormer's MiT encoder): four stages, each an overlapping patch embedding
 * (7×7 stride 4, then 3×3) followed by blocks of efficient self-attention (keys/values from a
 * {@code sr}×{@code sr} strided conv) and a Mix-FFN (fc1 → depthwise 3×3 → GELU → fc2).
 *
 * @param name preset name, recorded in run.json
 * @param dims channel width of each stage
 * @param depths blocks per stage
 * @param heads attention heads per stage
 * @param srRatios spatial-reduction ratio per stage
 * @param strides patch-embedding stride per stage: SegFormer {4, 2, 2, 2}; AFA {4, 2, 2, 1} (stage 4 at stride 16)
 * @param mlpRatio Mix-FFN hidden width / dim
 * @param dropPath stochastic depth of the last block (linear from 0 over all blocks, official 0.1)
 */
public record MitConfig(String name, int[] dims, int[] depths, int[] heads, int[] srRatios, int[] strides,
        int mlpRatio, double dropPath) {
    /** AFA's strides: stage 4 keeps stage 3's resolution (configs/voc_attn_reg.yaml {@code stride: [4, 2, 2, 1]}). */
    static final int[] AFA_STRIDES = {4, 2, 2, 1};

    public static final MitConfig MIT_B0 = new MitConfig("mit-b0", new int[] {32, 64, 160, 256}, new int[] {2, 2, 2, 2},
            new int[] {1, 2, 5, 8}, new int[] {8, 4, 2, 1}, AFA_STRIDES, 4, 0.1);
    public static final MitConfig MIT_B1 = new MitConfig("mit-b1", new int[] {64, 128, 320, 512}, new int[] {2, 2, 2, 2},
            new int[] {1, 2, 5, 8}, new int[] {8, 4, 2, 1}, AFA_STRIDES, 4, 0.1);
    public static final MitConfig MIT_B2 = new MitConfig("mit-b2", new int[] {64, 128, 320, 512}, new int[] {3, 4, 6, 3},
            new int[] {1, 2, 5, 8}, new int[] {8, 4, 2, 1}, AFA_STRIDES, 4, 0.1);
    /** A MiT that trains from scratch in minutes on 2 CPU cores (the demo's AFA encoder); stage 4 as B0's heads. */
    public static final MitConfig CPU_DEMO = new MitConfig("mit-cpu-demo", new int[] {16, 32, 64, 128},
            new int[] {1, 1, 1, 2}, new int[] {1, 2, 4, 8}, new int[] {8, 4, 2, 1}, AFA_STRIDES, 4, 0.05);

    public static final List<MitConfig> PRESETS = List.of(MIT_B0, MIT_B1, MIT_B2, CPU_DEMO);

    public MitConfig {
        for (int[] a : List.of(dims, depths, heads, srRatios, strides)) {
            if (a.length != 4) {
                throw new IllegalArgumentException("a MiT has 4 stages: " + Arrays.toString(a));
            }
        }
    }

    public static MitConfig preset(String name) {
        for (MitConfig c : PRESETS) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new WeaktrException("unknown MiT preset '" + name + "'; expected one of "
                + PRESETS.stream().map(MitConfig::name).toList());
    }

    /** The same shape with SegFormer's own strides {4, 2, 2, 2} (stage 4 at stride 32). */
    public MitConfig withSegFormerStrides() {
        return new MitConfig(name, dims, depths, heads, srRatios, new int[] {4, 2, 2, 2}, mlpRatio, dropPath);
    }

    public int totalDepth() {
        return Arrays.stream(depths).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MitConfig m && name.equals(m.name) && Arrays.equals(dims, m.dims)
                && Arrays.equals(depths, m.depths) && Arrays.equals(heads, m.heads)
                && Arrays.equals(srRatios, m.srRatios) && Arrays.equals(strides, m.strides)
                && mlpRatio == m.mlpRatio && dropPath == m.dropPath;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + "(dims " + Arrays.toString(dims) + ", depths " + Arrays.toString(depths) + ", heads "
                + Arrays.toString(heads) + ", sr " + Arrays.toString(srRatios) + ", strides " + Arrays.toString(strides) + ")";
    }
}
