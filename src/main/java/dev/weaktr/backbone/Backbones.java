package dev.weaktr.backbone;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a backbone by its preset name: the MiT presets ({@code mit-b0|b1|b2|mit-cpu-demo}), the ViT ones, and DPT's
 * ({@link DptVitConfig}: {@code vit-hybrid|vit-b|deit-b|deit-b-distilled}; GETAM's {@code cpu-demo} is reached through
 * {@link DptVitConfig#preset}, the plain name being the ViT preset's).
 */
public final class Backbones {
    private Backbones() {}

    /** Every name {@link #create} accepts. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        MitConfig.PRESETS.forEach(c -> n.add(c.name()));
        VitConfig.PRESETS.forEach(c -> n.add(c.name()));
        DptVitConfig.PRESETS.forEach(c -> {
            if (!n.contains(c.name())) {
                n.add(c.name());
            }
        });
        return n;
    }

    /** A backbone with its tensors registered in {@code p} (one class token for a ViT). */
    public static Backbone create(String name, Parameters p) {
        for (MitConfig c : MitConfig.PRESETS) {
            if (c.name().equals(name)) {
                return new MixVisionTransformer(p, c);
            }
        }
        for (VitConfig c : VitConfig.PRESETS) {
            if (c.name().equals(name)) {
                return new VitBackbone(p, c, 1);
            }
        }
        for (DptVitConfig c : DptVitConfig.PRESETS) {
            if (c.name().equals(name)) {
                return new DptVit(p, c);
            }
        }
        throw new WeaktrException("unknown backbone '" + name + "'; expected one of " + names());
    }
}
