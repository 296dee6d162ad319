package dev.weaktr.getam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.CamLoss;
import dev.weaktr.io.WeightFile;
import org.junit.jupiter.api.Test;

/**
 * GETAM's loss terms against the official code ({@code myTool.compute_joint_loss}'s CE_bg + CE_fg,
 * {@code F.multilabel_soft_margin_loss}, the saliency BCE with the official target and with the intended one), each
 * ≤ 1e-4 relative.
 */
class GetamLossParityTest {
    @Test
    void termsMatchOfficialCode() {
        WeightFile f = GetamFixture.file("getam_losses.pth");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray seg = m.create(f.tensors().get("seg"), new Shape(f.shape("seg")));
            float[] lab = f.tensors().get("seg_label");
            int[] labels = new int[lab.length];
            for (int i = 0; i < lab.length; i++) {
                labels[i] = (int) lab[i];
            }
            check("CE_bg + CE_fg", GetamLoss.crossEntropy(seg, labels).getFloat(), f, "ce");
            NDArray cls = m.create(f.tensors().get("cls"), new Shape(f.shape("cls")));
            NDArray y = m.create(f.tensors().get("label"), new Shape(f.shape("label")));
            check("MLSM", CamLoss.multiLabelSoftMargin(cls, y).getFloat(), f, "cls_loss");
            float[] sal = f.tensors().get("saliency");
            check("saliency BCE (official target)",
                    GetamLoss.saliency(seg, GetamLoss.saliencyTarget(sal, true)).getFloat(), f, "sal_loss");
            check("saliency BCE (intended target)",
                    GetamLoss.saliency(seg, GetamLoss.saliencyTarget(sal, false)).getFloat(), f, "sal_loss_intent");
        }
    }

    private static void check(String what, float got, WeightFile f, String key) {
        float want = f.tensors().get(key)[0];
        double rel = Math.abs(got - want) / Math.abs(want);
        System.out.printf("GETAM loss parity %s: %.6f vs official %.6f (relative %.2g)%n", what, got, want, rel);
        assertTrue(rel <= 1e-4, what + ": " + got + " vs " + want);
    }
}
