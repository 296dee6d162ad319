package dev.weaktr.getam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.backbone.DptVit;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forward parity with the official GETAM code (scaled-down DPTSegmentationModel, random weights, eval mode) on a
 * non-square 64×96 input: the backbone's hooks (the hybrid's ResNet stage maps, the block tokens) and final-norm
 * tokens, the classification logits and the segmentation logits, each ≤ 1e-4 absolute.
 */
class GetamNetParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"hybrid", "distilled"})
    void forwardMatchesOfficialCode(String tag) {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            GetamNet net = new GetamNet(p, GetamFixture.config(tag));
            WeightFile w = GetamFixture.weights(tag);
            p.load(w.tensors(), w.shapes(), "getam_" + tag + ".pth");
            NDArray x = GetamFixture.array(m, tag, "x");
            GetamNet.Output o = net.forward(x, null);
            DptVit.Taps t = o.taps();
            for (int i = 0; i < 4; i++) {
                if (t.maps()[i] != null) {
                    check(tag, "ResNet stage " + i, t.maps()[i], "layer_" + (i + 1));
                } else {
                    check(tag, "hook " + (i + 1) + " tokens", t.tokens()[i], "act_" + (i + 1));
                }
            }
            NDArray last = t.tokens()[3]; // block 11 = the last block
            check(tag, "final-norm tokens", net.backbone().vit().norm(last), "glob");
            check(tag, "cls", o.cls(), "cls");
            check(tag, "seg", o.seg(), "seg");
        }
    }

    private static void check(String tag, String what, NDArray got, String key) {
        WeightFile io = GetamFixture.io(tag);
        double d = GetamFixture.maxAbsDiff(got, io, key);
        System.out.printf("GETAM %s parity %s: max |diff| %.3g (max |value| %.3g)%n", tag, what, d,
                GetamFixture.maxAbs(io, key));
        assertTrue(d <= 1e-4, tag + " " + what + ": max |diff| " + d);
    }
}
