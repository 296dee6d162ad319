package dev.weaktr.seg;

import dev.weaktr.nn.VitConfig;

/**
 * Shape of the retraining model (spec §4.1–4.2): a plain ViT encoder (one class token, final LayerNorm,
 * LN eps 1e-5, bilinear position resize) and the mask-transformer decoder.
 *
 * @param encoder encoder shape; its {@code imageSize} is the training crop (480 in the paper: a 30×30 grid)
 * @param numClasses K, classes INCLUDING background (21 for VOC)
 * @param decoderLayers transformer blocks of the decoder (2)
 * @param decoderDropout dropout inside the decoder blocks (0.1)
 */
public record SegmenterConfig(VitConfig encoder, int numClasses, int decoderLayers, float decoderDropout) {
    public static SegmenterConfig of(VitConfig encoder, int numClasses) {
        return new SegmenterConfig(encoder.withLayerNormEps(1e-5f), numClasses, 2, 0.1f);
    }
}
