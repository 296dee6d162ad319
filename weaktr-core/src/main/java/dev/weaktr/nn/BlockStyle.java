package dev.weaktr.nn;

/**
 * The switches that turn the plain pre-norm ViT block into the other encoders' blocks (backbones-spec §3, §10):
 * one block class, not one per backbone.
 *
 * @param layerScale DINOv2: {@code ls1.gamma}, {@code ls2.gamma} scale both residual branches (§3.2)
 * @param swiGlu EVA-02: packed SwiGLU MLP {@code w12}/{@code w3} instead of the GELU MLP {@code fc1}/{@code fc2} (§3.3)
 * @param qvBias EVA-02: {@code qkv} without bias plus separate {@code q_bias}, {@code v_bias}; k has none (§3.3)
 * @param rope EVA-02: 2-D rotary embedding on the patch tokens' q and k (§3.4)
 */
public record BlockStyle(boolean layerScale, boolean swiGlu, boolean qvBias, boolean rope) {
    /** ViT / DeiT (§3.1). */
    public static final BlockStyle PLAIN = new BlockStyle(false, false, false, false);
    /** DINOv2 (§3.2). */
    public static final BlockStyle DINOV2 = new BlockStyle(true, false, false, false);
    /** EVA-02 Ti/S (§3.3). */
    public static final BlockStyle EVA02 = new BlockStyle(false, true, true, true);
}
