package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import org.junit.jupiter.api.Test;

/**
 * The AAF's FFNs start as the official code's do: PyTorch's default nn.Linear init, U(−1/√in, 1/√in) for weights and
 * biases (models.py builds the AAF after VisionTransformer.__init__ applied timm's trunc-normal 0.02 to the other
 * layers, and re-initialises only {@code head}), not trunc-normal 0.02. Checked against the bound by hand: the
 * cpu-demo's 4 blocks × 3 heads give 12 maps (bound 1/√12 ≈ 0.289 for the head FFN's first layer, 1/√3 for the
 * second with r = 4), and its 64-channel heads 1/√64 = 0.125 for the feature FFN.
 */
class AafInitTest {
    @Test
    void ffnWeightsAreUniformInTorchsDefaultBound() {
        VitConfig vit = VitConfig.preset("cpu-demo");
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            new WeakTrCamNet(p, new CamNetConfig(vit, 6, "aaf-feat", new AafConfig(4, 8, "avg")));
            int maps = vit.depth() * vit.heads();
            check(p, "adaptive_attention_fusion.attn_head_ffn.0.weight", 1 / Math.sqrt(maps));
            check(p, "adaptive_attention_fusion.attn_head_ffn.2.weight", 1 / Math.sqrt(maps / 4));
            check(p, "adaptive_attention_fusion.attn_feat_ffn.0.weight", 1 / Math.sqrt(vit.dim() / vit.heads()));
            check(p, "adaptive_attention_fusion.attn_feat_ffn.0.bias", 1 / Math.sqrt(vit.dim() / vit.heads()));
        }
    }

    /** All values inside ±bound, and the largest near it (trunc-normal 0.02 would stay below 0.04). */
    private static void check(Parameters p, String name, double bound) {
        float[] w = p.get(name).toFloatArray();
        double max = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound, name + ": " + v + " outside ±" + bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > (w.length >= 8 ? 0.5 : 0.2) * bound, name + ": largest |w| " + max + " of bound " + bound);
    }
}
