package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;

/**
 * Shape of SemFormer's stage-2 segmentor (peers.md §4.2).
 *
 * @param backbone the ViT (DeiT-S/16 with its position grid resized to the 448 training crop in the paper); its
 *     {@code imageSize} is the training crop
 * @param classes K, foreground classes plus background; one class token each
 * @param classDim E, the width of the class-head output (the CAAE's class-embedding width, 256)
 * @param maskDropout the mask head's Dropout2d rate (0.5; it drops whole patch tokens)
 */
public record SemFormerConfig(VitConfig backbone, int classes, int classDim, float maskDropout) {
    /** DeiT-S/16 at 448 (grid 28×28) without drop path, as the official factory builds it. */
    public static final VitConfig DEIT_SMALL_448 = new VitConfig("deit-small", 16, 384, 12, 6, 4, 1e-6f, 0.0, 448);

    public SemFormerConfig {
        if (classes < 2) {
            throw new WeaktrException("SemFormer needs background plus at least one class, got K = " + classes);
        }
    }

    /** The paper's segmentor (train_semformer.py defaults) for a CAAE of the same class list and E. */
    public static SemFormerConfig official(CaaeConfig caae) {
        return new SemFormerConfig(DEIT_SMALL_448, caae.classes(), caae.classDim(), 0.5f);
    }

    /** The CPU-demo segmentor: the cpu-demo ViT (no drop path) at 128 px. */
    public static SemFormerConfig cpuDemo(CaaeConfig caae) {
        return new SemFormerConfig(CaaeConfig.CPU_DEMO_ENCODER, caae.classes(), caae.classDim(), 0.5f);
    }
}
