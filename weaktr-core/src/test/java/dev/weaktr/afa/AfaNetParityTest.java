package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.api.Test;

/**
 * Forward parity with the official AFA code (rulixiang/afa WeTr on a scaled-down MiT, random weights, eval mode)
 * on a non-square 88×120 input: classification logits, segmentation logits, stage-4 attention logits, the
 * affinity Â and the raw CAM, each ≤ 1e-4 absolute.
 */
class AfaNetParityTest {
    @Test
    void forwardMatchesOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            AfaNet net = new AfaNet(p, AfaFixture.NET);
            p.load(AfaFixture.weights().tensors(), AfaFixture.weights().shapes(), "afa_tiny.pth");
            NDArray x = m.create(AfaFixture.get("net.input"), new Shape(AfaFixture.shape("net.input")));
            AfaNet.Output o = net.forward(x, null);
            dev.weaktr.backbone.Backbone.Features f = net.encoder().forward(x, null);
            for (int i = 0; i < 4; i++) {
                check("stage " + (i + 1) + " map", f.maps().get(i), "net.c" + (i + 1), 1e-4);
            }
            check("cls", o.cls(), "net.cls", 1e-4);
            check("seg", o.seg(), "net.seg", 1e-4);
            check("attention logits block 4.0", o.attentionLogits().get(3), "net.attn_logits.3", 1e-3);
            check("attention logits block 4.1", o.attentionLogits().get(4), "net.attn_logits.4", 1e-3);
            check("affinity", o.affinity(), "net.attn_pred", 1e-4);
            check("cam", net.cam(o.c4()), "net.cam", 1e-4);
        }
    }

    private static void check(String what, NDArray got, String key, double tol) {
        float[] want = AfaFixture.get(key);
        assertTrue(got.getShape().equals(new Shape(AfaFixture.shape(key))), what + " shape " + got.getShape());
        double d = AfaFixture.maxAbsDiff(got.toType(DataType.FLOAT32, false).toFloatArray(), want);
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        System.out.printf("AFA parity %s: max |diff| %.3g (max |value| %.3g)%n", what, d, scale);
        assertTrue(d <= tol, what + ": max |diff| " + d);
    }
}
