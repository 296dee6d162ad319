package dev.weaktr.seg;

import dev.weaktr.data.ImageStats;
import dev.weaktr.nn.VitConfig;

/**
 * Shape of the retraining model (spec §4.1–4.2): a ViT encoder (one class token, final LayerNorm, LN eps 1e-5,
 * bilinear position resize; block variant per backbones-spec §3) and the mask-transformer decoder.
 *
 * @param encoder encoder shape; its {@code imageSize} is the training crop (480 in the paper: a 30×30 grid)
 * @param numClasses K, classes INCLUDING background (21 for VOC)
 * @param decoderLayers transformer blocks of the decoder (2)
 * @param decoderDropout dropout inside the decoder blocks (0.1)
 * @param normalization the encoder's input statistics (backbones-spec §5); ImageNet when absent (older runs)
 */
public record SegmenterConfig(VitConfig encoder, int numClasses, int decoderLayers, float decoderDropout,
        ImageStats normalization) {
    public SegmenterConfig {
        normalization = normalization == null ? ImageStats.IMAGENET : normalization;
    }

    public static SegmenterConfig of(VitConfig encoder, int numClasses) {
        return new SegmenterConfig(encoder.withLayerNormEps(1e-5f), numClasses, 2, 0.1f, statsFor(encoder));
    }

    /** backbones-spec §5: {@code vit} 0.5/0.5 for AugReg ViT-S, {@code eva02} CLIP for EVA-02, ImageNet otherwise. */
    public static ImageStats statsFor(VitConfig encoder) {
        return switch (encoder.name()) {
            case "vit-small" -> ImageStats.INCEPTION;
            case "eva02-small", "eva02-tiny" -> ImageStats.CLIP;
            default -> ImageStats.IMAGENET;
        };
    }
}
