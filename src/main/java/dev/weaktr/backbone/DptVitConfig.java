package dev.weaktr.backbone;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;
import java.util.List;

/**
 * A ViT backbone as DPT reads it (GETAM {@code DPT/vit.py}, {@code DPT/blocks.py}): the ViT, an optional ResNet stem
 * (the hybrid), a distillation token, the four hooks and the reassemble widths.
 *
 * @param name preset name ({@code --backbone}), recorded in run.json
 * @param vit the transformer (timm: LayerNorm eps 1e-6, qkv bias, no drop path in GETAM)
 * @param resnet the hybrid's ResNetV2 stem, or {@code null} for a patch-16 conv
 * @param distilled DeiT's distillation token (readout and GETAM then skip 2 tokens)
 * @param hooks the blocks (or, for a hybrid's first two, the ResNet stages) whose outputs DPT reassembles
 * @param reassemble the reassemble widths ({@code features} of {@code _make_vit_b16_backbone}), one per hook;
 *     a hybrid's first two are its ResNet stages' widths (no reassemble there)
 */
public record DptVitConfig(String name, VitConfig vit, ResNetV2.Config resnet, boolean distilled, int[] hooks,
        int[] reassemble) {

    private static VitConfig base(String name) {
        return new VitConfig(name, 16, 768, 12, 12, 4, 1e-6f, 0, 384);
    }

    /** ViT-B/16 hybrid with a ResNet-50 stem, timm {@code vit_base_resnet50_384}; DPT hooks stage 0, stage 1, 8, 11. */
    public static final DptVitConfig VIT_HYBRID = new DptVitConfig("vit-hybrid", base("vit-hybrid"),
            ResNetV2.Config.R50_HYBRID, false, new int[] {0, 1, 8, 11}, new int[] {256, 512, 768, 768});
    /** ViT-B/16 at 384, timm {@code vit_base_patch16_384}. */
    public static final DptVitConfig VIT_B = new DptVitConfig("vit-b", base("vit-b"), null, false,
            new int[] {2, 5, 8, 11}, new int[] {96, 192, 384, 768});
    /** DeiT-B/16 at 384, timm {@code vit_deit_base_patch16_384} (= {@code deit_base_patch16_384}). */
    public static final DptVitConfig DEIT_B = new DptVitConfig("deit-b", base("deit-b"), null, false,
            new int[] {2, 5, 8, 11}, new int[] {96, 192, 384, 768});
    /** DeiT-B/16 distilled at 384, timm {@code vit_deit_base_distilled_patch16_384}. */
    public static final DptVitConfig DEIT_B_DISTILLED = new DptVitConfig("deit-b-distilled",
            base("deit-b-distilled"), null, true, new int[] {2, 5, 8, 11}, new int[] {96, 192, 384, 768});
    /**
     * The project's CPU demo ViT (the shape of {@link VitConfig#CPU_DEMO}: width 192, 4 blocks, 3 heads, MLP ×2; no drop path, as GETAM), hooking every block, the
     * reassemble widths ViT-B's scaled by 192/768. Not an official GETAM backbone.
     */
    public static final DptVitConfig CPU_DEMO = new DptVitConfig("cpu-demo",
            new VitConfig("cpu-demo", 16, 192, 4, 3, 2, 1e-6f, 0, 128), null, false,
            new int[] {0, 1, 2, 3}, new int[] {24, 48, 96, 192});

    public static final List<DptVitConfig> PRESETS = List.of(VIT_HYBRID, VIT_B, DEIT_B, DEIT_B_DISTILLED, CPU_DEMO);

    public static DptVitConfig preset(String name) {
        for (DptVitConfig c : PRESETS) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new WeaktrException("unknown backbone '" + name + "' (--backbone); expected one of "
                + PRESETS.stream().map(DptVitConfig::name).toList());
    }

    /** Tokens before the patch tokens: 1, or 2 with a distillation token (the official {@code start_index}). */
    public int prefixTokens() {
        return distilled ? 2 : 1;
    }

    public boolean hybrid() {
        return resnet != null;
    }
}
