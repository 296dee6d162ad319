package dev.weaktr.getam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.io.RgbImage;
import dev.weaktr.io.WeightFile;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.api.Test;

/**
 * Multi-scale inference against the official {@code test.py} loop (the tiny hybrid of getam_hybrid.pth, eval mode, a
 * 50×70 image, sizes 64 and 96 for the official 256/320/480): given OpenCV's resized images, the averaged logits
 * ≤ 1e-4 and the argmax equal; the resize itself equal to OpenCV's fixed-point {@code INTER_LINEAR} byte for byte
 * ({@code OpenCvLinearResize}). End to end (own resize): argmax ≥ 99.5 % equal (measured 3500/3500), also through
 * {@link GetamInference#segment} (the CLI's path).
 */
class GetamPredictorParityTest {
    @Test
    void multiScaleLogitsMatchOfficialTestLoop() {
        WeightFile f = GetamFixture.file("getam_infer.pth");
        int h = 50, w = 70, k = 5;
        float[] rgbF = f.tensors().get("rgb");
        byte[] rgb = new byte[rgbF.length];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (int) rgbF[i];
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            GetamNet net = new GetamNet(p, GetamFixture.config("hybrid"));
            WeightFile wts = GetamFixture.weights("hybrid");
            p.load(wts.tensors(), wts.shapes(), "getam_hybrid.pth");
            RgbImage img = new RgbImage(w, h, rgb);
            for (int s : new int[] {64, 96}) {
                float[] mine = GetamPredictor.resizeSquare(img, s), cv = f.tensors().get("resized_" + s); // HWC
                int off = 0;
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < s * s; i++) {
                        off = Math.max(off, (int) Math.abs(mine[c * s * s + i] - cv[i * 3 + c]));
                    }
                }
                System.out.printf("GETAM test resize to %d: max |diff| from OpenCV %d levels%n", s, off);
                assertTrue(off == 0, "resize " + s + ": " + off);
            }
            float[] want = f.tensors().get("logits"), pred = f.tensors().get("pred");
            float[] exact = GetamPredictor.logits(net, h, w, new int[] {64, 96}, s -> {
                float[] cv = f.tensors().get("resized_" + s), planar = new float[3 * s * s];
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < s * s; i++) {
                        planar[c * s * s + i] = cv[i * 3 + c];
                    }
                }
                return planar;
            }, m);
            double de = 0;
            for (int i = 0; i < exact.length; i++) {
                de = Math.max(de, Math.abs(exact[i] - want[i]));
            }
            System.out.printf("GETAM multi-scale inference parity on OpenCV's resized inputs: logits max |diff| %.3g%n", de);
            assertTrue(de <= 1e-4, "logits on the same inputs " + de);
            float[] logits = GetamPredictor.logits(net, img, new int[] {64, 96}, m);
            double d = 0;
            for (int i = 0; i < logits.length; i++) {
                d = Math.max(d, Math.abs(logits[i] - want[i]));
            }
            int same = 0;
            for (int p0 = 0; p0 < h * w; p0++) {
                int arg = 0;
                for (int c = 1; c < k; c++) {
                    if (logits[c * h * w + p0] > logits[arg * h * w + p0]) {
                        arg = c;
                    }
                }
                same += arg == (int) pred[p0] ? 1 : 0;
            }
            System.out.printf("GETAM multi-scale inference parity: logits max |diff| %.3g, argmax %d/%d equal%n", d, same,
                    h * w);
            assertTrue(same >= 0.995 * h * w, "argmax " + same);
            // the path segment/predict take on a GETAM run: the same mask
            byte[] labels = new GetamInference(net, m).segment(img, new GetamInference.Settings(new int[] {64, 96},
                    java.util.Optional.empty())).labels().labels();
            int sameCli = 0;
            for (int p0 = 0; p0 < h * w; p0++) {
                sameCli += (labels[p0] & 0xff) == (int) pred[p0] ? 1 : 0;
            }
            System.out.printf("GETAM segment (GetamInference) vs official test.py argmax: %d/%d equal%n", sameCli, h * w);
            assertTrue(sameCli >= 0.995 * h * w, "segment " + sameCli);
        }
    }
}
