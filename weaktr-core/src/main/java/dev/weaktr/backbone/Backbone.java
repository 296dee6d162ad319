package dev.weaktr.backbone;

import ai.djl.ndarray.NDArray;
import dev.weaktr.weights.LoadReport;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An image encoder a method names instead of re-implementing: the ViT family ({@link VitBackbone}) and
 * MiT ({@link MixVisionTransformer}) today. Its tensors live in the {@link dev.weaktr.nn.Parameters} it was
 * built on, under its published (official state-dict) names, so its ImageNet weights load with
 * {@link #loadPretrained} and a method's checkpoint holds them under the method's own prefix.
 */
public interface Backbone {
    /** The preset name (recorded in run.json), e.g. {@code mit-b1}. */
    String name();

    /** Channel width of each output map, one per stage (a plain ViT has one). */
    int[] channels();

    /** Total stride of each output map relative to the input (input sizes are floored/ceiled per stage). */
    int[] strides();

    /**
     * @param images [B, 3, H, W], normalised
     * @param rng drop-path randomness while training; {@code null} at inference
     */
    Features forward(NDArray images, SplittableRandom rng);

    /**
     * Fills the backbone's tensors from its published ImageNet weights file (safetensors or PyTorch zip,
     * the backbone's own layout). Every backbone tensor must come from the file; the file's classifier is
     * dropped; tensors the backbone has no place for are reported, and fail when {@code strict}.
     */
    LoadReport loadPretrained(Path file, boolean strict);

    /**
     * What a forward pass hands out.
     *
     * @param maps one feature map per stage, {@code [B, C_i, h_i, w_i]}
     * @param attentionLogits every block's attention logits q·kᵀ before the scale and the softmax,
     *     {@code [B, heads, N, N_kv]} (N_kv &lt; N under spatial reduction; ViT includes its class tokens)
     */
    record Features(List<NDArray> maps, List<NDArray> attentionLogits) {
        /** The last stage's map. */
        public NDArray last() {
            return maps.get(maps.size() - 1);
        }
    }
}
