package dev.weaktr.getam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.io.WeightFile;
import org.junit.jupiter.api.Test;

/**
 * Label completion against the official code ({@code pamr.PAMR(10, [1, 2, 4, 8, 12, 24])} and
 * {@code myTool.compute_seg_label_3}, cut 0.9) on a 48×64 image with 3 of 20 classes present and a saliency map
 * (src/test/resources/getam/README.md): PAMR ≤ 1e-5 relative to the map's maximum (full-size and 12×16 masks), the
 * max-normalised maps, and the completed labels and returned saliency equal.
 */
class LabelCompletionParityTest {
    private static final int H = 48, W = 64, C = 20;

    @Test
    void pamrAndLabelsMatchOfficialCode() {
        WeightFile f = GetamFixture.file("getam_labels.pth");
        float[] image = f.tensors().get("image");
        float[] refined = Pamr.official().refine(image, 3, H, W, f.tensors().get("cams"), C, H, W);
        double dp = relDiff(refined, f.tensors().get("pamr"));
        float[] low = Pamr.official().refine(image, 3, H, W, f.tensors().get("low_masks"), 3, 12, 16);
        double dl = relDiff(low, f.tensors().get("pamr_low"));
        float[] norm = LabelCompletion.maxNormalise(refined.clone(), C, H * W);
        double dn = relDiff(norm, f.tensors().get("norm_cam"));
        System.out.printf("GETAM PAMR parity: %.3g (full-size masks), %.3g (12x16 masks); max-normalised maps %.3g%n",
                dp, dl, dn);
        assertTrue(dp <= 1e-5 && dl <= 1e-5 && dn <= 1e-5, dp + " " + dl + " " + dn);

        float[] label = f.tensors().get("label");
        boolean[] present = new boolean[C];
        for (int k = 0; k < C; k++) {
            present[k] = label[k] > 1e-5;
        }
        float[] sal = f.tensors().get("saliency");
        boolean[] salient = new boolean[H * W];
        for (int p = 0; p < salient.length; p++) {
            salient[p] = sal[p] > 0;
        }
        float[] wantLabel = f.tensors().get("seg_label"), wantSal = f.tensors().get("saliency_out");
        for (float[] maps : new float[][] {f.tensors().get("norm_cam"), norm}) {
            LabelCompletion.Result r = LabelCompletion.complete(maps, present, salient, H, W,
                    LabelCompletion.CUT_THRESHOLD);
            int same = 0, sameSal = 0, ignore = 0;
            for (int p = 0; p < H * W; p++) {
                same += r.label()[p] == (int) wantLabel[p] ? 1 : 0;
                sameSal += r.saliency()[p] == wantSal[p] ? 1 : 0;
                ignore += wantLabel[p] == 255 ? 1 : 0;
            }
            System.out.printf("GETAM label completion parity: labels %d/%d equal, saliency %d/%d (official: %d ignore)%n",
                    same, H * W, sameSal, H * W, ignore);
            assertEquals(H * W, same);
            assertEquals(H * W, sameSal);
        }
    }

    private static double relDiff(float[] got, float[] want) {
        assertEquals(want.length, got.length);
        double d = 0, max = 0;
        for (int i = 0; i < got.length; i++) {
            d = Math.max(d, Math.abs(got[i] - want[i]));
            max = Math.max(max, Math.abs(want[i]));
        }
        return d / max;
    }
}
