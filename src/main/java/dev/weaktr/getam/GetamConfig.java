package dev.weaktr.getam;

import dev.weaktr.backbone.DptVitConfig;

/**
 * The GETAM network's shape (official {@code DPTSegmentationModel(num_classes, backbone_name)}).
 *
 * @param backbone the DPT ViT ({@link DptVitConfig} presets)
 * @param numClasses foreground classes C; the segmentation head has C + 1 outputs
 * @param features DPT's decoder width (256 in the official code, which also sizes the cam module by it)
 */
public record GetamConfig(DptVitConfig backbone, int numClasses, int features) {
    /** The official shape on a backbone: 256 features. */
    public static GetamConfig of(DptVitConfig backbone, int numClasses) {
        return new GetamConfig(backbone, numClasses, 256);
    }
}
