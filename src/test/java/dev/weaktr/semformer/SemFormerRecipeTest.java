package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.nn.Parameters;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The official parameter groups (core/abc_modules.py {@code get_parameter_groups}, read by hand on the official
 * names) and the PolyOptimizer schedule (tools/ai/optim_utils.py).
 */
class SemFormerRecipeTest {
    @Test
    void groupsFollowTheOfficialNames() {
        // CAAE: the encoder is pretrained (weights ×1, biases and the position grid ×2), the rest scratch
        assertEquals(1, SemFormerRecipe.lrScale("encoder.vit_backbone.model.blocks.0.attn.qkv.weight"));
        assertEquals(2, SemFormerRecipe.lrScale("encoder.vit_backbone.model.blocks.0.attn.qkv.bias"));
        assertEquals(2, SemFormerRecipe.lrScale("encoder.vit_backbone.model.pos_embed")); // official grid_posembed
        assertEquals(10, SemFormerRecipe.lrScale("crs.0.weight"));
        assertEquals(10, SemFormerRecipe.lrScale("re_convert.1.weight")); // a LayerNorm weight is a "weight"
        assertEquals(20, SemFormerRecipe.lrScale("decoder.blocks.3.mlp.fc1.bias"));
        assertEquals(5e-4, SemFormerRecipe.weightDecay("decoder.norm.weight", 5e-4));
        assertEquals(0, SemFormerRecipe.weightDecay("encoder.vit_backbone.model.pos_embed", 5e-4));
        // segmentor: the K class tokens are outside the official backbone, so scratch "biases" (×20, no decay)
        assertEquals(20, SemFormerRecipe.lrScale("segmentor.backbone.model.cls_token"));
        assertEquals(0, SemFormerRecipe.weightDecay("segmentor.backbone.model.cls_token", 5e-4));
        assertEquals(2, SemFormerRecipe.lrScale("segmentor.backbone.model.pos_embed"));
        assertEquals(10, SemFormerRecipe.lrScale("segmentor.cls_head.weight"));
        assertEquals(20, SemFormerRecipe.lrScale("segmentor.seg_head.1.bias"));
        assertEquals(1, SemFormerRecipe.lrScale("segmentor.backbone.model.patch_embed.proj.weight"));
    }

    @Test
    void everyTensorOfBothModelsHasAGroup() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            new ClassAwareAutoEncoder(p, SemFormerFixture.CAAE);
            new SemFormerNet(p, SemFormerFixture.SEG);
            Map<Double, Integer> counts = new TreeMap<>();
            for (String name : p.all().keySet()) {
                counts.merge(SemFormerRecipe.lrScale(name), 1, Integer::sum);
            }
            // by hand. ×1: encoder blocks' 6 weights each + patch + norm, both ViTs. ×2: their biases + the grids.
            // ×10: convert, re_convert.0/.1, crs, mlp, decoder.mlp weights + 2 decoder blocks × 6 + decoder.norm;
            // cls_head, seg_head. ×20: re_convert.1, mlp biases + 2 × 6 block biases + decoder.norm, decoder.mlp
            // biases; cls_token, cls_head.bias, seg_head.1.bias
            assertEquals(Map.of(1.0, 2 * 6 + 2 + 3 * 6 + 2, 2.0, 2 * 6 + 2 + 1 + 3 * 6 + 2 + 1,
                    10.0, 6 + 2 * 6 + 1 + 2, 20.0, 2 + 2 * 6 + 2 + 3), counts);
        }
    }

    @Test
    void polyScheduleStopsAtTheLastStep() {
        assertEquals(1.0, SemFormerRecipe.lrFactor(0, 100));
        assertEquals(Math.pow(0.5, 0.9), SemFormerRecipe.lrFactor(50, 100), 1e-12);
        assertEquals(SemFormerRecipe.lrFactor(99, 100), SemFormerRecipe.lrFactor(150, 100));
    }
}
