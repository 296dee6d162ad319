package dev.weaktr.backbone;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.ArrayList;
import java.util.List;

/** Builds a backbone by its preset name: the MiT presets ({@code mit-b0|b1|b2|mit-cpu-demo}) and the ViT ones. */
public final class Backbones {
    private Backbones() {}

    /** Every name {@link #create} accepts. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        MitConfig.PRESETS.forEach(c -> n.add(c.name()));
        VitConfig.PRESETS.forEach(c -> n.add(c.name()));
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
        throw new WeaktrException("unknown backbone '" + name + "'; expected one of " + names());
    }
}
