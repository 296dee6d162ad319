package dev.weaktr.semformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stage 2 against the official code (SemFormer.forward_train + train_semformer.py's losses, random weights, three
 * 96×96 crops with crop boxes, a frozen 64-px CAAE): mask logits, segmentor CRE, the masks, the four pair
 * similarity sets, each of the five loss terms and the total, and the gradients of the total for nine segmentor
 * tensors (through the frozen CAAE into the masks).
 */
class SemFormerParityTest {
    static SemFormerNet loadSegmentor(Parameters p) {
        SemFormerNet net = new SemFormerNet(p, SemFormerFixture.SEG);
        WeightFile f = SemFormerFixture.file("semformer_tiny.pth");
        SemFormerWeights.Tensors t = SemFormerWeights.segmentorFromOfficial(f.tensors(), f.shapes(), "semformer_tiny.pth");
        p.load(t.values(), t.shapes(), "semformer_tiny.pth");
        p.loadSome(t.values(), t.shapes(), "semformer_tiny.pth");
        return net;
    }

    @Test
    void lossesAndGradientsMatchOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters frozen = new Parameters(m, DataType.FLOAT32, 0, false);
            ClassAwareAutoEncoder caae = CaaeParityTest.load(frozen);
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, true);
            SemFormerNet net = loadSegmentor(p);
            NDArray images = SemFormerFixture.array(m, "seg.images");
            NDArray aeImages = BilinearResize.resize(images, 64, 64, true);
            SemFormerFixture.check("AE images (bilinear, align_corners)", aeImages, "seg.ae_images", 1e-5);
            NDArray valid = SemFormerFixture.array(m, "seg.grad_masks");
            float[][] labels = SemFormerFixture.labels("seg.labels");
            SemFormerLoss.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                SemFormerNet.Output out = net.forward(images, null);
                SemFormerFixture.check("mask logits", out.logits(), "seg.logits", 1e-4);
                SemFormerFixture.check("segmentor CRE", out.classEmbeddings(), "seg.seg_cre", 1e-4);
                r = SemFormerLoss.compute(out, caae, aeImages, labels, valid, SemFormerLoss.Weights.OFFICIAL);
                gc.backward(r.terms().total());
            }
            SemFormerFixture.check("masks", r.masks(), "seg.masks", 1e-4);
            SemFormerFixture.check("seg similarity", r.segSimilarity(), "seg.seg_sim", 1e-4);
            float[] fg = r.fgSimilarity().toFloatArray(), bg = r.bgSimilarity().toFloatArray();
            int k = labels[0].length;
            List<Float> fgPull = new ArrayList<>(), fgPush = new ArrayList<>(), bgPull = new ArrayList<>(),
                    bgPush = new ArrayList<>();
            for (int i = 0; i < r.pairs().size(); i++) {
                int b = r.pairs().get(i)[0], c = r.pairs().get(i)[1];
                for (int j = 0; j < k; j++) { // the official boolean selections, row-major over (pair, class)
                    if (j == c) {
                        fgPull.add(fg[i * k + j]);
                        bgPush.add(bg[i * k + j]);
                    } else if (labels[b][j] > 0) {
                        fgPush.add(fg[i * k + j]);
                        bgPull.add(bg[i * k + j]);
                    }
                }
            }
            SemFormerFixture.check("CF pull similarities", toArray(fgPull), SemFormerFixture.get("seg.cls_fg_pull_sim"), 1e-4);
            SemFormerFixture.check("CF push similarities", toArray(fgPush), SemFormerFixture.get("seg.cls_fg_push_sim"), 1e-4);
            SemFormerFixture.check("CB pull similarities", toArray(bgPull), SemFormerFixture.get("seg.cls_bg_pull_sim"), 1e-4);
            SemFormerFixture.check("CB push similarities", toArray(bgPush), SemFormerFixture.get("seg.cls_bg_push_sim"), 1e-4);
            SemFormerLoss.Terms t = r.terms();
            relative("SS", t.ss(), "seg.seg_sim_loss");
            relative("CF", t.cf(), "seg.cls_fg_loss");
            relative("CB", t.cb(), "seg.cls_bg_loss");
            relative("AS", t.as(), "seg.act_supp_loss");
            relative("AC", t.ac(), "seg.act_cplt_loss");
            relative("total", t.total(), "seg.loss");
            String m0 = SemFormerNet.BACKBONE_PREFIX;
            String[][] grads = {
                {"segmentor.cls_head.weight", "segmentor.cls_head.weight"},
                {"segmentor.cls_head.bias", "segmentor.cls_head.bias"},
                {"segmentor.seg_head.1.weight", "segmentor.seg_head.1.weight"},
                {m0 + "blocks.0.attn.qkv.weight", "segmentor.backbone.model.blocks.0.attn.qkv.weight"},
                {m0 + "blocks.2.mlp.fc2.weight", "segmentor.backbone.model.blocks.2.mlp.fc2.weight"},
                {m0 + "patch_embed.proj.weight", "segmentor.backbone.model.patch_embed.proj.weight"},
                {m0 + "cls_token", "segmentor.cls_token"},
            };
            for (String[] g : grads) {
                SemFormerFixture.check("grad " + g[1], p.get(g[0]).getGradient(), "seg.grad." + g[1], 1e-4);
            }
            NDArray pos = p.get(m0 + "pos_embed").getGradient(); // [1, K + g², D]
            SemFormerFixture.check("grad segmentor.cls_posembed", pos.get(new NDIndex(":, :{}, :", k)),
                    "seg.grad.segmentor.cls_posembed", 1e-4);
            SemFormerFixture.check("grad segmentor.backbone.grid_posembed", pos.get(new NDIndex(":, {}:, :", k)),
                    "seg.grad.segmentor.backbone.grid_posembed", 1e-4);
        }
    }

    private static void relative(String what, NDArray got, String key) {
        double want = SemFormerFixture.get(key)[0], g = got.getFloat();
        double rel = Math.abs(g - want) / Math.max(Math.abs(want), 1e-12);
        System.out.printf("SemFormer parity loss %s: %.7f vs official %.7f (relative %.2g)%n", what, g, want, rel);
        assertTrue(rel <= 1e-4, what + ": " + g + " vs " + want);
    }

    private static float[] toArray(List<Float> v) {
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }

    @Test
    void maskDropoutZeroesWholeTokens() {
        // Dropout2d on [B, N, D] (the official torch 1.7 semantics): each token row kept ×2 or zeroed entirely
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray tokens = m.ones(new ai.djl.ndarray.types.Shape(2, 50, 6));
            float[] v = SemFormerNet.dropTokens(tokens, 0.5f, new java.util.SplittableRandom(1)).toFloatArray();
            int zeroRows = 0;
            for (int row = 0; row < 100; row++) {
                float first = v[row * 6];
                for (int j = 1; j < 6; j++) {
                    assertEquals(first, v[row * 6 + j], 0f, "row " + row + " not dropped as a whole");
                }
                assertTrue(first == 0f || first == 2f, "kept rows are scaled by 1/(1 - p)");
                zeroRows += first == 0f ? 1 : 0;
            }
            assertTrue(zeroRows > 30 && zeroRows < 70, "about half the rows dropped: " + zeroRows);
        }
    }
}
