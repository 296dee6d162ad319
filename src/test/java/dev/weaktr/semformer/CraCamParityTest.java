package dev.weaktr.semformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import org.junit.jupiter.api.Test;

/**
 * CRA CAMs against the official code (inference_semformer.py): the network part on a 70×90 input (padded to 80×96,
 * position grid resized 6×6 → 5×6) for the last 4 and last 2 layers, and the whole multi-scale pipeline (PIL
 * bicubic to sizes rounded up to multiples of 16, flips, stride-4 and cropped stride-16 sums, max-norm) on a
 * 37×53 image.
 */
class CraCamParityTest {
    @Test
    void craCamsMatchOfficialCode() {
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0, false);
            SemFormerNet net = SemFormerParityTest.loadSegmentor(p);
            SemFormerNet.Output out = net.forward(SemFormerFixture.array(m, "cra.input"), null);
            SemFormerFixture.check("CRA logits (padded, resized grid)", out.logits(), "cra.logits", 1e-4);
            for (int l = 0; l < 3; l++) {
                NDArray a = out.attention().get(l).get(":, :, :4, 4:");
                SemFormerFixture.check("class→patch attention " + l, a, "cra.attn." + l, 1e-4);
            }
            SemFormerFixture.check("CRA CAM, last 4 layers", CraCam.fromOutput(out, 4), "cra.cam_last4", 1e-3);
            SemFormerFixture.check("CRA CAM, last 2 layers", CraCam.fromOutput(out, 2), "cra.cam_last2", 1e-3);

            float[] pix = SemFormerFixture.get("ms.image");
            byte[] rgb = new byte[pix.length];
            for (int i = 0; i < pix.length; i++) {
                rgb[i] = (byte) Math.round(pix[i]);
            }
            CraCam.Maps maps = CraCam.infer(net, new RgbImage(53, 37, rgb), CraCam.SCALES, CraCam.LAYERS);
            SemFormerFixture.check("multi-scale CAM, stride 4", maps.strided(), SemFormerFixture.get("ms.strided"), 1e-3);
            SemFormerFixture.check("multi-scale CAM, full resolution", maps.highRes(), SemFormerFixture.get("ms.hr"), 1e-3);
        }
    }
}
