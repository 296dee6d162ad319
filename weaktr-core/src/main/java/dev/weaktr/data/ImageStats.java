package dev.weaktr.data;

/**
 * Per-channel input normalisation (RGB, 0–1 scale) of the retraining encoders (backbones-spec §5). Each
 * encoder uses its own pre-training statistics; the run records them in run.json so {@code segment} and
 * {@code predict} apply the same ones.
 */
public enum ImageStats {
    /** ImageNet (timm/DeiT; spec key {@code deit}): DeiT-S, DINOv2-S. */
    IMAGENET(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
    /** Inception 0.5/0.5 (spec key {@code vit}): AugReg ViT-S/16. */
    INCEPTION(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}),
    /**
     * OpenAI CLIP statistics (spec key {@code eva02}) as the official mmseg pipeline applies them: ×255 and rounded
     * to two decimals (122.77/116.75/104.09, std 68.5/66.63/70.32), §5 and §10.
     */
    CLIP(new float[] {122.77f / 255f, 116.75f / 255f, 104.09f / 255f}, new float[] {68.5f / 255f, 66.63f / 255f, 70.32f / 255f});

    private final float[] mean;
    private final float[] std;

    ImageStats(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    public double[] mean() {
        return toDouble(mean);
    }

    public double[] std() {
        return toDouble(std);
    }

    private static double[] toDouble(float[] v) {
        return new double[] {v[0], v[1], v[2]};
    }
}
