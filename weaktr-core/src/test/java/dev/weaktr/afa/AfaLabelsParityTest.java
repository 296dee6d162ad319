package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.cam.CamLoss;
import dev.weaktr.nn.BilinearResize;
import dev.weaktr.nn.Parameters;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * AFA's per-iteration labels and losses against the official code's own outputs on one 96×128 training crop
 * (src/test/resources/afa/README.md): PAR, the multi-scale CAM and affinity, the refined label, the affinity
 * label, the random-walk label and the four loss terms.
 */
class AfaLabelsParityTest {
    static final int H = 96, W = 128, C = 3;

    @Test
    void parMatchesOfficialCode() {
        float[] out = Par.refine(AfaFixture.get("par.image"), 40, 56, AfaFixture.get("par.masks"), 3, 20, 28);
        double d = AfaFixture.maxAbsDiff(out, AfaFixture.get("par.out"));
        System.out.printf("AFA parity PAR masks: max |diff| %.3g%n", d);
        assertTrue(d <= 1e-4, "PAR: " + d);
    }

    @Test
    void multiScaleCamAndAffinityMatchOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            AfaNet net = new AfaNet(p, AfaFixture.NET);
            p.load(AfaFixture.weights().tensors(), AfaFixture.weights().shapes(), "afa_tiny.pth");
            NDArray x = m.create(AfaFixture.get("train.inputs"), new Shape(2, 3, H, W));
            AfaCam.Result r = AfaCam.multiScale(net, x, new double[] {1.0, 0.5, 1.5}, null);
            double dc = AfaFixture.maxAbsDiff(r.cam().toFloatArray(), AfaFixture.get("train.cams"));
            double da = AfaFixture.maxAbsDiff(r.affinity().toFloatArray(), AfaFixture.get("train.aff_mat"));
            System.out.printf("AFA parity multi-scale CAM: max |diff| %.3g; affinity at 1.5x: %.3g%n", dc, da);
            assertTrue(dc <= 1e-3, "CAM " + dc);
            assertTrue(da <= 1e-4, "affinity " + da);
        }
    }

    @Test
    void labelsMatchOfficialCode() {
        float[] inputs = AfaFixture.get("train.inputs"), cams = AfaFixture.get("train.cams");
        float[] refinedWant = AfaFixture.get("train.refined_label"), rwWant = AfaFixture.get("train.rw_label");
        float[] affWant = AfaFixture.get("train.aff_label"), aff2Want = AfaFixture.get("train.aff_label_r2");
        float[] affMat = AfaFixture.get("train.aff_mat");
        int hw = H * W, n = 9 * 12;
        for (int b = 0; b < 2; b++) {
            float[] image01 = AfaLabels.image01(Arrays.copyOfRange(inputs, b * 3 * hw, (b + 1) * 3 * hw), H, W);
            float[] cam = Arrays.copyOfRange(cams, b * C * hw, (b + 1) * C * hw);
            boolean[] present = present(b);
            AfaLabels.Box box = box(b);
            int[] refined = AfaLabels.refinedLabel(image01, cam, present, H, W, box);
            double eq = AfaFixture.equalFraction(toFloat(refined), Arrays.copyOfRange(refinedWant, b * hw, (b + 1) * hw));
            int[] rw = AfaLabels.randomWalkLabel(image01, cam, present, Arrays.copyOfRange(affMat, b * n * n, (b + 1) * n * n),
                    9, 12, 8, H, W, box);
            double eqRw = AfaFixture.equalFraction(toFloat(rw), Arrays.copyOfRange(rwWant, b * hw, (b + 1) * hw));
            int[] wantRefined = toInt(Arrays.copyOfRange(refinedWant, b * hw, (b + 1) * hw));
            int[] aff = AfaLabels.affinityLabel(wantRefined, H, W, 8);
            int[] aff2 = AfaLabels.affinityLabel(wantRefined, H, W, 2);
            System.out.printf("AFA parity image %d: refined label %.4f equal, random-walk label %.4f equal%n", b, eq, eqRw);
            assertTrue(eq >= 0.995, "refined label " + eq);
            assertTrue(eqRw >= 0.995, "random-walk label " + eqRw);
            assertEquals(1.0, AfaFixture.equalFraction(toFloat(aff), Arrays.copyOfRange(affWant, b * 48 * 48, (b + 1) * 48 * 48)));
            assertEquals(1.0, AfaFixture.equalFraction(toFloat(aff2), Arrays.copyOfRange(aff2Want, b * 48 * 48, (b + 1) * 48 * 48)));
        }
    }

    @Test
    void lossesMatchOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray segs = BilinearResize.resize(m.create(AfaFixture.get("train.segs"), new Shape(2, 4, 24, 32)), H, W);
            NDArray attn = m.create(AfaFixture.get("train.attn_pred"), new Shape(2, 48, 48));
            NDArray cls = m.create(AfaFixture.get("train.cls"), new Shape(2, 3));
            NDArray y = m.create(AfaFixture.get("train.cls_labels"), new Shape(2, 3));
            rel("cls (MLSM)", CamLoss.multiLabelSoftMargin(cls, y).getFloat(), "train.cls_loss");
            rel("seg (refined label)", AfaLoss.balancedCrossEntropy(segs, toInt(AfaFixture.get("train.refined_label"))).getFloat(),
                    "train.seg_loss");
            rel("seg (random-walk label)", AfaLoss.balancedCrossEntropy(segs, toInt(AfaFixture.get("train.rw_label"))).getFloat(),
                    "train.seg_loss_rw");
            rel("affinity", AfaLoss.affinity(attn, toInt(AfaFixture.get("train.aff_label"))).getFloat(), "train.aff_loss");
        }
    }

    private static void rel(String what, float got, String key) {
        float want = AfaFixture.get(key)[0];
        double r = Math.abs(got - want) / Math.abs(want);
        System.out.printf("AFA parity loss %s: %.6f vs %.6f (relative %.2g)%n", what, got, want, r);
        assertTrue(r <= 1e-4, what + ": " + got + " vs " + want);
    }

    private static boolean[] present(int b) {
        float[] y = AfaFixture.get("train.cls_labels");
        boolean[] p = new boolean[C];
        for (int c = 0; c < C; c++) {
            p[c] = y[b * C + c] > 0.5f;
        }
        return p;
    }

    private static AfaLabels.Box box(int b) {
        float[] v = AfaFixture.get("train.img_box");
        return new AfaLabels.Box((int) v[b * 4], (int) v[b * 4 + 1], (int) v[b * 4 + 2], (int) v[b * 4 + 3]);
    }

    static float[] toFloat(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    static int[] toInt(float[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }
}
