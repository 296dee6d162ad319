package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.api.Test;

/**
 * Stage 1 against the official code (ClassAwareAutoEncoder of JLChen-C/SemFormer, random weights, 2×3×64×64 input,
 * labels with an absent class in each image): encoder tokens, CRE, CRS, similarities, the reconstruction, both
 * loss terms, and the gradients of the loss for ten tensors — including the CRS embedding, whose rows get gradient
 * only from the images where the class is present.
 */
class CaaeParityTest {
    static ClassAwareAutoEncoder load(Parameters p) {
        ClassAwareAutoEncoder caae = new ClassAwareAutoEncoder(p, SemFormerFixture.CAAE);
        WeightFile f = SemFormerFixture.file("caae_tiny.pth");
        SemFormerWeights.Tensors t = SemFormerWeights.caaeFromOfficial(f.tensors(), f.shapes(), "caae_tiny.pth");
        p.load(t.values(), t.shapes(), "caae_tiny.pth");
        p.loadSome(t.values(), t.shapes(), "caae_tiny.pth"); // and nothing left over
        return caae;
    }

    @Test
    void forwardLossAndGradientsMatchOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, true);
            ClassAwareAutoEncoder caae = load(p);
            NDArray x = SemFormerFixture.array(m, "caae.input");
            NDArray labels = SemFormerFixture.array(m, "caae.labels");
            SemFormerFixture.check("CAAE tokens", caae.tokens(x), "caae.tokens", 1e-4);
            SemFormerFixture.check("CRE", caae.cre(x), "caae.cre", 1e-4);
            SemFormerFixture.check("CRS", caae.crs().expandDims(0).repeat(0, 2), "caae.crs", 1e-4);
            CaaeLoss.Terms terms;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ClassAwareAutoEncoder.Output out = caae.forward(x, labels);
                SemFormerFixture.check("similarity", out.similarity(), "caae.sim", 1e-4);
                SemFormerFixture.check("reconstruction", out.reconstruction(), "caae.output", 1e-4);
                terms = CaaeLoss.of(out, x, labels);
                gc.backward(terms.total());
            }
            SemFormerFixture.check("SS loss", terms.similarity(), "caae.sim_loss", 1e-4);
            SemFormerFixture.check("reconstruction loss", terms.reconstruction(), "caae.recon_loss", 1e-4);
            SemFormerFixture.check("CAAE loss", terms.total(), "caae.loss", 1e-4);
            String[][] grads = {
                {"crs.0.weight", "crs.0.weight"},
                {"convert.0.weight", "convert.0.weight"},
                {"re_convert.0.weight", "re_convert.0.weight"},
                {"re_convert.1.weight", "re_convert.1.weight"},
                {"mlp.weight", "mlp.weight"},
                {"decoder.blocks.1.mlp.fc2.weight", "decoder.blocks.1.mlp.fc2.weight"},
                {"decoder.mlp.bias", "decoder.mlp.bias"},
                {"encoder.vit_backbone.model.blocks.0.attn.qkv.weight", "encoder.vit_backbone.model.blocks.0.attn.qkv.weight"},
                {"encoder.vit_backbone.model.pos_embed", "encoder.vit_backbone.grid_posembed"},
                {"encoder.vit_backbone.model.patch_embed.proj.weight", "encoder.vit_backbone.model.patch_embed.proj.weight"},
            };
            for (String[] g : grads) {
                SemFormerFixture.check("grad " + g[1], p.get(g[0]).getGradient(), "caae.grad." + g[1], 1e-4);
            }
        }
    }

    @Test
    void absentClassesPushOnlyTheEncoder() {
        // hand check of the detach: with one image whose only present class is background, the CRS rows of the
        // absent classes get no gradient from the similarity loss
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, true);
            ClassAwareAutoEncoder caae = load(p);
            NDArray x = SemFormerFixture.array(m, "caae.input").get("0:1");
            NDArray labels = m.create(new float[] {1, 0, 0, 0}, new ai.djl.ndarray.types.Shape(1, 4));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(CaaeLoss.binaryCrossEntropy(caae.forward(x, labels).similarity(), labels));
            }
            float[] g = p.get("crs.0.weight").getGradient().toFloatArray();
            for (int i = 8; i < g.length; i++) {
                assertEquals(0f, g[i], 0f, "absent class row " + i / 8 + " got gradient");
            }
            double bg = 0;
            for (int i = 0; i < 8; i++) {
                bg += Math.abs(g[i]);
            }
            org.junit.jupiter.api.Assertions.assertTrue(bg > 0, "the present class gets gradient");
        }
    }
}
