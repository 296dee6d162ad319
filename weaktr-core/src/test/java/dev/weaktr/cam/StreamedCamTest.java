package dev.weaktr.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression guard for the bounded-memory CAM path (spec §1.6): the streamed forward (attention in blocks of
 * query rows, fused maps accumulated, never stacked) gives the CAMs of the materialised forward, for every
 * fusion and several block sizes. (The independent check of the streamed path is {@link OfficialCamFixturesTest},
 * which runs it through {@link CamInference} against the official code's CAMs.)
 */
class StreamedCamTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"v1-avg, avg, 2", "v1-max, max, 2", "head-feat, max, 2", "head-rand, max, 2", "mct-v2, max, 4"})
    void streamedEqualsMaterialised(String fixture, String pool, int depth) {
        var opts = new CamCheckpoints.ImportOptions(OfficialCamFixturesTest.tiny(depth), "auto",
                fixture.equals("v1-avg") ? "auto" : pool, OfficialCamFixturesTest.ABC, false);
        CamCheckpoints.Imported imp = CamCheckpoints.importOfficial(
                OfficialCamFixturesTest.DIR.resolve(fixture).resolve("checkpoint.pth"), tmp.resolve("run"), opts);
        try (NDManager m = NDManager.newBaseManager()) {
            WeakTrCamNet net = CamPipeline.load(imp.run(), m);
            SplittableRandom rng = new SplittableRandom(7);
            float[] pixels = new float[2 * 3 * 44 * 61]; // two images, 5×7 patches of 8 px (remainders dropped)
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rng.nextGaussian();
            }
            NDArray x = m.create(pixels, new Shape(2, 3, 44, 61));
            WeakTrCamNet.Output want = net.forward(x, null);
            for (int rows : new int[] {0, 1, 4, 9, 1000}) {
                WeakTrCamNet.Output got = net.forwardStreamed(x, rows);
                assertClose(want.fusedCam(), got.fusedCam(), fixture + " fused, rows " + rows);
                assertClose(want.fineCam(), got.fineCam(), fixture + " fine, rows " + rows);
                assertClose(want.fineScores(), got.fineScores(), fixture + " fine scores, rows " + rows);
                assertClose(want.classTokenScores(), got.classTokenScores(), fixture + " class tokens, rows " + rows);
            }
        }
    }

    private static void assertClose(NDArray want, NDArray got, String what) {
        assertArrayEquals(want.getShape().getShape(), got.getShape().getShape(), what);
        float[] a = want.toFloatArray(), b = got.toFloatArray();
        double scale = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(scale > 0, what + ": all zero");
        assertTrue(diff <= 1e-5 * Math.max(1, scale), what + ": max abs difference " + diff + " (max |value| " + scale + ")");
    }
}
