package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.Npy;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.VitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same weights ⇒ same multi-scale + flip CAM as the OFFICIAL code. Each fixture under
 * src/test/resources/weights/official/ (README there) was written by the official model and
 * {@code engine.generate_attention_maps_ms} of hustvl/WeakTr at the paper commit 56ba7d6 (aaf, avg and max
 * pooling), at HEAD 3457ad3 (aaf-feat, aaf-rand) and by MCTformer-V2 (mean-sum), on Debian's torch with random
 * weights, scales 1.0 / 0.8 / 1.2 + flips, patch refinement on, on a 37×26 (non-square) PNG. The checkpoint is
 * imported with {@code --fusion auto}, so the test also checks that the layout is recognised from the names.
 */
class OfficialCamFixturesTest {
    static final Path DIR = Path.of("src/test/resources/weights/official");
    static final ClassList ABC = ClassList.of(List.of("background", "a", "b", "c"));
    static final double[] SCALES = {1.0, 0.8, 1.2};
    static final boolean[] LABELS = {true, false, true};

    @TempDir
    Path tmp;

    static VitConfig tiny(int depth) {
        return new VitConfig("fixture-tiny", 8, 16, depth, 2, 4, 1e-6f, 0, 16);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"v1-avg, aaf, avg, 2", "v1-max, aaf, max, 2", "head-feat, aaf-feat, max, 2", "head-rand, aaf-rand, max, 2",
        "mct-v2, mean-sum, max, 4"})
    void importedCheckpointGivesTheOfficialCams(String fixture, String fusion, String pool, int depth) {
        var opts = new CamCheckpoints.ImportOptions(tiny(depth), "auto", fixture.equals("v1-avg") ? "auto" : pool, ABC, false);
        CamCheckpoints.Imported imp = CamCheckpoints.importOfficial(DIR.resolve(fixture).resolve("checkpoint.pth"), tmp.resolve("run"), opts);
        assertEquals(fusion, imp.net().fusion(), "layout recognised: " + imp.layout());
        assertEquals(pool, imp.net().aaf().pool());
        Npy.FloatArray want = Npy.read(DIR.resolve(fixture).resolve("cams.npy")); // [2, 26, 37], classes 0 and 2
        RgbImage image = ImageFiles.readRgb(DIR.resolve("image.png"));
        assertEquals(37, image.width());
        assertEquals(26, image.height());
        // rowBlock 0: a stack this small takes the batched forward; 5: the streamed one (spec §1.6), 5 query rows a block
        for (int rowBlock : new int[] {0, 5}) {
            float[] got;
            try (NDManager m = NDManager.newBaseManager()) {
                WeakTrCamNet net = CamPipeline.load(imp.run(), m);
                got = new CamInference(net, m, SCALES, true, true, rowBlock).generate(image, LABELS).maps();
            }
            assertEquals(want.data().length, got.length);
            double max = 0;
            for (int i = 0; i < got.length; i++) {
                max = Math.max(max, Math.abs(got[i] - want.data()[i]));
            }
            // seeds at the official VOC threshold 0.43: argmax over [t, cam(class 0), cam(class 2)]
            int n = 26 * 37, same = 0;
            for (int i = 0; i < n; i++) {
                same += seed(got, i, n) == seed(want.data(), i, n) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "official %s (%s, row block %d): max abs CAM difference %.3g, equal seeds %.2f%%%n",
                    fixture, fusion, rowBlock, max, 100.0 * same / n);
            assertTrue(max <= 1e-3, fixture + ": max abs CAM difference " + max);
            assertTrue(same >= 0.995 * n, fixture + ": equal seeds " + same + "/" + n);
        }
    }

    private static int seed(float[] cams, int i, int n) {
        float best = 0.43f;
        int label = 0;
        for (int k = 0; k < 2; k++) {
            if (cams[k * n + i] > best) {
                best = cams[k * n + i];
                label = k + 1;
            }
        }
        return label;
    }

    @Test
    void unusedTensorsAreAnErrorNamingThemUnlessIgnored() {
        Path v1 = DIR.resolve("v1-max/checkpoint.pth");
        // forcing mean-sum on a paper-version checkpoint: the AAF tensors have no place -> error naming them
        var forced = new CamCheckpoints.ImportOptions(tiny(2), "mean-sum", "max", ABC, false);
        var e = assertThrows(WeaktrException.class, () -> CamCheckpoints.importOfficial(v1, tmp.resolve("a"), forced));
        assertTrue(e.getMessage().contains("adaptive_attention_fusion.fc.0.weight") && e.getMessage().contains("--ignore-unused"),
                e.getMessage());
        var ignoring = new CamCheckpoints.ImportOptions(tiny(2), "mean-sum", "max", ABC, true);
        CamCheckpoints.Imported imp = CamCheckpoints.importOfficial(v1, tmp.resolve("b"), ignoring);
        assertEquals(List.of("adaptive_attention_fusion.fc.0.weight", "adaptive_attention_fusion.fc.2.weight"), imp.unexpected());
        // aaf-rand without its query: a clear error
        Path copy = tmp.resolve("rand/checkpoint.pth");
        try {
            Files.createDirectories(copy.getParent());
            Files.copy(DIR.resolve("head-rand/checkpoint.pth"), copy);
        } catch (java.io.IOException ex) {
            throw new RuntimeException(ex);
        }
        var rand = new CamCheckpoints.ImportOptions(tiny(2), "aaf-rand", "max", ABC, false);
        e = assertThrows(WeaktrException.class, () -> CamCheckpoints.importOfficial(copy, tmp.resolve("c"), rand));
        assertTrue(e.getMessage().contains("query.npy") && e.getMessage().contains("--query"), e.getMessage());
        // ... given explicitly it imports
        var withQuery = new CamCheckpoints.ImportOptions(tiny(2), "aaf-rand", "max", ABC, false, DIR.resolve("head-rand/query.npy"));
        assertEquals("aaf-rand", CamCheckpoints.importOfficial(copy, tmp.resolve("d"), withQuery).net().fusion());
        // without query.npy beside it, the RandWeight state dict reads as aaf-feat, whose feature FFN (64 -> 8) does not fit
        var auto = new CamCheckpoints.ImportOptions(tiny(2), "auto", "max", ABC, false);
        e = assertThrows(WeaktrException.class, () -> CamCheckpoints.importOfficial(copy, tmp.resolve("e"), auto));
        assertTrue(e.getMessage().contains("attn_feat_ffn"), e.getMessage());
    }

    @Test
    void exportedAafAndAafRandReimportAsTheSameModel() {
        for (String fixture : List.of("v1-max", "head-rand")) {
            Path run = tmp.resolve(fixture);
            CamCheckpoints.importOfficial(DIR.resolve(fixture).resolve("checkpoint.pth"), run,
                    new CamCheckpoints.ImportOptions(tiny(2), "auto", "max", ABC, false));
            Path out = tmp.resolve(fixture + ".safetensors");
            CamCheckpoints.export(run, out);
            var file = dev.weaktr.io.WeightFile.read(out);
            if (fixture.equals("v1-max")) { // the paper code's names
                assertTrue(file.has("adaptive_attention_fusion.fc.0.weight"), file.tensors().keySet().toString());
            } else {
                assertTrue(file.has("adaptive_attention_fusion.query"));
            }
            CamCheckpoints.Imported again = CamCheckpoints.importOfficial(out, tmp.resolve(fixture + "-again"),
                    new CamCheckpoints.ImportOptions(tiny(2), "auto", "auto", ABC, false)); // pool from the export's metadata
            assertEquals(CamRun.read(run).net(), again.net());
        }
    }
}
