package dev.weaktr.afa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.RgbImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An official AFA checkpoint imported ({@code afa_tiny.pth}, rulixiang/afa WeTr on a scaled-down MiT, random weights)
 * gives the official inference's outputs on a 70×100 image ({@code afa_infer_io.pth}, written by the official
 * {@code scripts/test_msc_flip.py validate} with {@code --resize_long 128}, and by {@code camutils.multi_scale_cam}):
 * the multi-scale logits, the segmentation argmax (≥ 99.5 % equal) and the CAM (≤ 1e-3).
 */
class AfaImportParityTest {
    static final ClassList TINY_CLASSES = ClassList.of(List.of("background", "a", "b", "c"));

    @Test
    void importedCheckpointSegmentsAndCamsAsTheOfficialCode(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        AfaCheckpoints.Imported imported = AfaCheckpoints.importOfficial(AfaFixture.DIR.resolve("afa_tiny.pth"), run,
                TINY_CLASSES, null);
        AfaConfig net = imported.manifest().net();
        assertArrayEquals(AfaFixture.MIT_TINY.dims(), net.backbone().dims());
        assertArrayEquals(AfaFixture.MIT_TINY.depths(), net.backbone().depths());
        assertArrayEquals(AfaFixture.MIT_TINY.srRatios(), net.backbone().srRatios());
        assertEquals(32, net.embedDim());
        assertEquals(3, net.numClasses());
        dev.weaktr.io.WeightFile io = dev.weaktr.io.WeightFile.read(AfaFixture.DIR.resolve("afa_infer_io.pth"));
        RgbImage image = ImageFiles.readRgb(AfaFixture.DIR.resolve("afa_infer.png"));
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            AfaInference inference = new AfaInference(AfaPipeline.load(run, m), m);
            AfaInference.Segmentation seg = inference.segment(image, new AfaInference.Settings(new double[] {1, 0.5, 0.75}, 128,
                    true, Optional.empty()));
            assertArrayEquals(new long[] {1, 4, seg.logitHeight(), seg.logitWidth()}, io.shape("infer.msc_segs"));
            double dl = AfaFixture.maxAbsDiff(seg.logits(), io.tensors().get("infer.msc_segs"));
            float[] want = io.tensors().get("infer.msc_pred");
            float[] got = new float[want.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = seg.labels().labels()[i] & 0xff;
            }
            double equal = AfaFixture.equalFraction(got, want);
            float[] cam = inference.cam(image, AfaInference.CAM_SCALES);
            double dc = AfaFixture.maxAbsDiff(cam, io.tensors().get("infer.cam"));
            System.out.printf("AFA import parity: msc logits max |diff| %.3g, argmax equal %.4f %%, CAM max |diff| %.3g%n", dl,
                    100 * equal, dc);
            assertTrue(dl <= 1e-4, "msc logits " + dl);
            assertTrue(equal >= 0.995, "argmax equal " + equal);
            assertTrue(dc <= 1e-3, "cam " + dc);
            // AFA's own label on a 70x100 image (1.5x grid 7x10, not a multiple of 16): only bg, the labelled classes, ignore
            int[] pseudo = inference.pseudoLabel(image, new boolean[] {true, false, true});
            assertEquals(70 * 100, pseudo.length);
            for (int v : pseudo) {
                assertTrue(v == 0 || v == 1 || v == 3 || v == AfaLabels.IGNORE, "label " + v);
            }
        }
    }
}
