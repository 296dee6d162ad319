package dev.weaktr.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmenterTest {
    @Test
    void nonSquareInputsGiveMasksOfTheirOwnSizeFromEveryDecoderBlock() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 1, false);
            VitConfig vit = new VitConfig("t", 8, 16, 2, 2, 2, 1e-6f, 0.0, 32);
            Segmenter seg = new Segmenter(p, SegmenterConfig.of(vit, 4));
            NDArray x = m.randomNormal(new Shape(2, 3, 27, 45)); // not multiples of the patch: padded, then cropped
            List<NDArray> masks = seg.forward(x, null, true);
            assertEquals(2, masks.size());
            for (NDArray mask : masks) {
                assertEquals(new Shape(2, 4, 27, 45), mask.getShape());
            }
            // mask_norm is a LayerNorm over the K classes: each pixel's K logits have mean 0 before upsampling,
            // and bilinear upsampling keeps that (weights sum to 1)
            float[] v = masks.get(1).toFloatArray();
            int plane = 27 * 45;
            for (int i = 0; i < plane; i += 97) {
                float mean = 0;
                for (int c = 0; c < 4; c++) {
                    mean += v[c * plane + i] / 4;
                }
                assertTrue(Math.abs(mean) < 1e-4, "class mean " + mean);
            }
            assertTrue(p.all().containsKey("decoder.cls_emb") && p.all().containsKey("encoder.norm.weight"));
        }
    }
}
