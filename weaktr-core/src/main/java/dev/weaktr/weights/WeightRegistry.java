package dev.weaktr.weights;

import dev.weaktr.WeaktrException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The published backbones {@code weaktr weights get} knows by name. Immutable; a method that needs another backbone
 * registers it with {@link #with} (the peers' MiT, ResNet, ... as they land).
 *
 * <p>Checksums: where a full SHA-256 is not published, the torch.hub file-name prefix is used, and where neither
 * exists the entry says so ({@code sha256 = null}) rather than inventing one; such files are checked for length
 * and an intact zip container only.
 */
public final class WeightRegistry {
    private final Map<String, PublishedWeights> entries;

    private WeightRegistry(Map<String, PublishedWeights> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The backbones weaktr's methods use today. */
    public static WeightRegistry standard() {
        return new WeightRegistry(new LinkedHashMap<>())
                // the full digest is recorded beside a DeiT-S download in a public experiment log; its first 8 digits
                // equal the official file name's torch.hub prefix (cd65a155), which is what torch checks
                .with(new PublishedWeights("deit-small", "deit_small_patch16_224-cd65a155.pth",
                        "https://dl.fbaipublicfiles.com/deit/deit_small_patch16_224-cd65a155.pth",
                        "cd65a15597004d0ce19d7a9daef969903972db5b398e3a5febcd3c4df1d8f59f", "zip",
                        "DeiT-S/16 ImageNet-1k (Touvron et al.): WeakTr's CAM backbone and retraining encoder"))
                .with(new PublishedWeights("deit-tiny", "deit_tiny_patch16_224-a1311bcf.pth",
                        "https://dl.fbaipublicfiles.com/deit/deit_tiny_patch16_224-a1311bcf.pth",
                        "a1311bcf", "zip", "DeiT-Ti/16 ImageNet-1k"))
                .with(new PublishedWeights("vit-small",
                        "S_16-i21k-300ep-lr_0.001-aug_light1-wd_0.03-do_0.0-sd_0.0--imagenet2012-steps_20k-lr_0.03-res_384.npz",
                        "https://storage.googleapis.com/vit_models/augreg/S_16-i21k-300ep-lr_0.001-aug_light1-wd_0.03-do_0.0-sd_0.0--imagenet2012-steps_20k-lr_0.03-res_384.npz",
                        null, "zip", "AugReg ViT-S/16 (ImageNet-21k -> 1k, 384 px): WeakTr-dagger's encoder"))
                .with(new PublishedWeights("dinov2-small", "dinov2_vits14_pretrain.pth",
                        "https://dl.fbaipublicfiles.com/dinov2/dinov2_vits14/dinov2_vits14_pretrain.pth",
                        null, "zip", "DINOv2 ViT-S/14 (LVD-142M): WeakTr^D's encoder"))
                .with(new PublishedWeights("eva02-small", "eva02_S_pt_in21k_p14.pt",
                        "https://huggingface.co/Yuxin-CV/EVA-02/resolve/main/eva02/pt/eva02_S_pt_in21k_p14.pt",
                        null, "zip", "EVA-02-S/14 MIM ImageNet-21k: WeakTr^E's encoder"))
                .with(new PublishedWeights("eva02-tiny", "eva02_Ti_pt_in21k_p14.pt",
                        "https://huggingface.co/Yuxin-CV/EVA-02/resolve/main/eva02/pt/eva02_Ti_pt_in21k_p14.pt",
                        null, "zip", "EVA-02-Ti/14 MIM ImageNet-21k"));
    }

    /** This registry plus {@code entry} (replacing an entry of the same name). */
    public WeightRegistry with(PublishedWeights entry) {
        Map<String, PublishedWeights> m = new LinkedHashMap<>(entries);
        m.put(entry.name(), entry);
        return new WeightRegistry(m);
    }

    public Optional<PublishedWeights> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** The entry, or a clear error listing the known names. */
    public PublishedWeights get(String name) {
        return find(name).orElseThrow(() -> new WeaktrException("unknown weights '" + name + "'; known: " + names()));
    }

    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public List<PublishedWeights> all() {
        return new ArrayList<>(entries.values());
    }
}
