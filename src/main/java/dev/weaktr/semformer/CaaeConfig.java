package dev.weaktr.semformer;

import dev.weaktr.WeaktrException;
import dev.weaktr.nn.VitConfig;

/**
 * Shape of SemFormer's Class-Aware AutoEncoder (peers.md §4.1): a ViT encoder over patch tokens only, K class
 * embeddings of width E per token, and a ViT decoder that rebuilds the image from them.
 *
 * @param encoder the encoder ViT (DeiT-B/16 distilled at 224 in the paper; its class and distillation tokens are
 *     dropped, the final LayerNorm kept); its {@code imageSize} is the AE input size
 * @param classes K, the foreground classes plus background (21 for VOC)
 * @param classDim E, the width of one class embedding (256)
 * @param decoderWidth width of the decoder blocks (768)
 * @param decoderDepth number of decoder blocks (8)
 * @param decoderHeads attention heads of the decoder blocks (12: the official code takes the encoder
 *     version's head count)
 */
public record CaaeConfig(VitConfig encoder, int classes, int classDim, int decoderWidth, int decoderDepth,
        int decoderHeads) {
    /** DeiT-B/16 distilled as the CAAE encoder: no drop path (the official factory's default), LN eps 1e-6. */
    public static final VitConfig DEIT_BASE_DISTILLED =
            new VitConfig("deit-base-distilled", 16, 768, 12, 12, 4, 1e-6f, 0.0, 224);
    /** The CPU-demo encoder: {@link VitConfig#CPU_DEMO}'s shape without drop path. */
    public static final VitConfig CPU_DEMO_ENCODER =
            new VitConfig("cpu-demo", 16, 192, 4, 3, 2, 1e-6f, 0.0, 128);

    public CaaeConfig {
        if (classes < 2) {
            throw new WeaktrException("the CAAE needs background plus at least one class, got K = " + classes);
        }
        if (decoderWidth % decoderHeads != 0) {
            throw new WeaktrException("CAAE decoder width " + decoderWidth + " is not a multiple of its "
                    + decoderHeads + " heads");
        }
    }

    /** The paper's CAAE (train_caae.py defaults): DeiT-B-distilled, E = 256, decoder 768 wide, 8 blocks, 12 heads. */
    public static CaaeConfig official(int classes) {
        return new CaaeConfig(DEIT_BASE_DISTILLED, classes, 256, 768, 8, 12);
    }

    /** A CAAE that trains on 2 CPU cores: the cpu-demo ViT at 128 px, E = 64, a 2-block decoder 192 wide. */
    public static CaaeConfig cpuDemo(int classes) {
        return new CaaeConfig(CPU_DEMO_ENCODER, classes, 64, 192, 2, 3);
    }

    /** Patch size P of the encoder (and of the decoder's output patches). */
    public int patch() {
        return encoder.patch();
    }

    /** The AE input size (224 in the paper); stage 2 resizes its crops to it. */
    public int imageSize() {
        return encoder.imageSize();
    }
}
