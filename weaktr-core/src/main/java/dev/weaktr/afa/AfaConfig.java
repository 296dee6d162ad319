package dev.weaktr.afa;

import dev.weaktr.backbone.MitConfig;

/**
 * Shape of the AFA network (rulixiang/afa {@code WeTr}).
 *
 * @param backbone the MiT encoder (stage 4 at stride 16)
 * @param numClasses foreground classes C (the classifier's outputs; the segmentation head has C + 1)
 * @param embedDim width of the SegFormer head's projections (256 in the official code)
 */
public record AfaConfig(MitConfig backbone, int numClasses, int embedDim) {
    public static AfaConfig of(MitConfig backbone, int numClasses) {
        return new AfaConfig(backbone, numClasses, 256);
    }

    /** Channels of the AFA projection: the heads of the last two stage-4 blocks ({@code _attns[-2:]}). */
    public int affinityChannels() {
        return 2 * backbone.heads()[3];
    }
}
