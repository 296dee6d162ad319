package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.Npy;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.VitConfig;
import dev.weaktr.train.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Official-checkpoint import: a tiny WeakTr CAM model written in PyTorch (tools/fixtures/make_weights_fixtures.py)
 * imported as a run gives the same forward pass as PyTorch computed (tolerance 1e-4 absolute); export -> import
 * round-trips every tensor exactly.
 */
class CamCheckpointsTest {
    static final Path FIXTURES = Path.of("src/test/resources/weights");
    static final double TOLERANCE = 1e-4;
    static final VitConfig TINY = new VitConfig("fixture-tiny", 8, 16, 2, 2, 4, 1e-6f, 0, 16);
    static final ClassList ABC = ClassList.of(List.of("background", "a", "b", "c"));

    @TempDir
    Path tmp;

    static CamCheckpoints.ImportOptions options() {
        return new CamCheckpoints.ImportOptions(TINY, "auto", "max", ABC, false);
    }

    @Test
    void importedPthMatchesPyTorchForwardPass() {
        double err = parity(CamCheckpoints.importOfficial(FIXTURES.resolve("cam_tiny.pth"), tmp.resolve("pth"), options()));
        System.out.printf(Locale.ROOT, "parity (.pth): max abs error %.3g%n", err);
    }

    @Test
    void importedSafetensorsMatchesPyTorchForwardPass() {
        double err = parity(CamCheckpoints.importOfficial(FIXTURES.resolve("cam_tiny.safetensors"), tmp.resolve("st"), options()));
        System.out.printf(Locale.ROOT, "parity (safetensors): max abs error %.3g%n", err);
    }

    /** Loads the run as `weaktr cams` does and compares every output with PyTorch's. Returns the max abs error. */
    static double parity(CamCheckpoints.Imported imported) {
        CamNetConfig net = imported.net();
        assertEquals("aaf-feat", net.fusion()); // auto: attn_feat_ffn keys present
        assertEquals(new AafConfig(2, 4, "max"), net.aaf()); // widths read back from the AAF tensors
        assertEquals(3, net.numClasses());
        assertEquals(16, net.backbone().imageSize()); // 2x2 stored grid from pos_embed
        assertTrue(imported.unexpected().isEmpty());
        Npy.FloatArray input = Npy.read(FIXTURES.resolve("cam_tiny_input.npy"));
        try (NDManager m = NDManager.newBaseManager()) {
            WeakTrCamNet model = CamPipeline.load(imported.run(), m);
            NDArray x = m.create(input.data(), new Shape(2, 3, 24, 16));
            WeakTrCamNet.Output out = model.forward(x, null);
            assertEquals(3, out.gridH()); // 24x16 input: the 2x2 position grid is resized to 3x2
            assertEquals(2, out.gridW());
            double err = 0;
            err = Math.max(err, compare("cls", out.classTokenScores()));
            err = Math.max(err, compare("coarse", out.coarseScores()));
            err = Math.max(err, compare("fused", out.fusedCam()));
            err = Math.max(err, compare("fine", out.fineCam()));
            return err;
        }
    }

    static double compare(String name, NDArray got) {
        Npy.FloatArray want = Npy.read(FIXTURES.resolve("cam_tiny_" + name + ".npy"));
        float[] g = got.toFloatArray();
        assertEquals(want.data().length, g.length, name);
        double max = 0;
        for (int i = 0; i < g.length; i++) {
            max = Math.max(max, Math.abs(g[i] - want.data()[i]));
        }
        assertTrue(max <= TOLERANCE, name + ": max abs error " + max + " > " + TOLERANCE);
        return max;
    }

    @Test
    void classListMustMatchTheClassTokens() {
        Path pth = FIXTURES.resolve("cam_tiny.pth");
        var noClasses = new CamCheckpoints.ImportOptions(TINY, "auto", "max", null, false);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.weaktr.WeaktrException.class,
                () -> CamCheckpoints.importOfficial(pth, tmp.resolve("a"), noClasses));
        assertTrue(e.getMessage().contains("3 class tokens") && e.getMessage().contains("--classes"), e.getMessage());
        var two = new CamCheckpoints.ImportOptions(TINY, "auto", "max", ClassList.of(List.of("bg", "a", "b")), false);
        e = org.junit.jupiter.api.Assertions.assertThrows(dev.weaktr.WeaktrException.class,
                () -> CamCheckpoints.importOfficial(pth, tmp.resolve("b"), two));
        assertTrue(e.getMessage().contains("2 foreground classes") && e.getMessage().contains("[1, 3, 16]"), e.getMessage());
        // forcing the map-pooling AAF on a feature-AAF checkpoint: its attn_feat_ffn tensors are unexpected
        var aaf = new CamCheckpoints.ImportOptions(TINY, "aaf", "max", ABC, false);
        e = org.junit.jupiter.api.Assertions.assertThrows(dev.weaktr.WeaktrException.class,
                () -> CamCheckpoints.importOfficial(pth, tmp.resolve("c"), aaf));
        assertTrue(e.getMessage().contains("attn_feat_ffn"), e.getMessage());
    }

    @Test
    void exportThenImportIsIdentical() {
        Path run = tmp.resolve("run");
        CamCheckpoints.importOfficial(FIXTURES.resolve("cam_tiny.pth"), run, options());
        Path exported = tmp.resolve("cam.safetensors");
        int n = CamCheckpoints.export(run, exported);
        WeightFile file = WeightFile.read(exported);
        assertEquals(n, file.tensors().size());
        assertEquals("pt", file.metadata().get("format"));
        assertTrue(file.tensors().keySet().stream().noneMatch(k -> k.startsWith("optimizer.")));
        // official names and values: the exported file equals the PyTorch state dict tensor for tensor
        WeightFile torch = WeightFile.read(FIXTURES.resolve("cam_tiny.safetensors"));
        assertEquals(torch.tensors().keySet(), file.tensors().keySet());
        for (String k : torch.tensors().keySet()) {
            assertArrayEquals(torch.tensors().get(k), file.tensors().get(k), 0f, k);
        }
        Path again = tmp.resolve("again");
        CamCheckpoints.importOfficial(exported, again, options());
        SafeTensors.Content a = SafeTensors.read(run.resolve(Checkpoint.FILE));
        SafeTensors.Content b = SafeTensors.read(again.resolve(Checkpoint.FILE));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String k : a.tensors().keySet()) {
            assertArrayEquals(a.tensors().get(k), b.tensors().get(k), 0f, k);
            assertArrayEquals(a.shapes().get(k), b.shapes().get(k), k);
        }
        assertEquals(CamRun.read(run).net(), CamRun.read(again).net());
        assertTrue(CamRun.read(again).pretrained().endsWith("cam.safetensors"));
    }
}
