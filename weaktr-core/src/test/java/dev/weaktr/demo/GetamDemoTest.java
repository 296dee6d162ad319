package dev.weaktr.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.cli.Cli;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.LabelPng;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GETAM's demo rows ({@code demo --methods getam}) on a tiny synthetic set: both forms (oracle saliency from the masks,
 * image-level only) run train → cams → pseudo → segment and score; the saliency maps are the masks' foreground.
 */
class GetamDemoTest {
    @TempDir
    Path tmp;

    @Test
    void bothFormsGiveRows() throws Exception {
        Path data = tmp.resolve("data");
        Synth.generate(SynthConfig.of(4, 2, 64, 3), data);
        GetamDemo.Settings s = new GetamDemo.Settings(2, 2, 64, 32, 0.04, new int[] {64}, 0);
        GetamDemo.Row[] rows = GetamDemo.run(tmp, data, s, null, ai.djl.Device.cpu(),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(2, rows.length);
        assertTrue(rows[0].saliency() && !rows[1].saliency());
        for (GetamDemo.Row r : rows) {
            assertTrue(r.cam() >= 0 && r.cam() <= 100 && r.pseudo() >= 0 && r.pseudo() <= 100 && r.seg() >= 0
                    && r.seg() <= 100, r.toString());
        }
        assertTrue(Files.isRegularFile(tmp.resolve("pseudo-getam-saliency/seeds.txt")));
        assertTrue(Files.isRegularFile(tmp.resolve("pred-getam-image-level/pred.txt")));
        // the oracle saliency: 255 exactly on the mask's object pixels
        VocDataset ds = VocDataset.open(data, "train");
        String id = ds.ids().get(0);
        LabelPng.LabelMap mask = ds.readMask(id);
        BufferedImage sal = ImageIO.read(tmp.resolve("saliency-getam").resolve(id + ".png").toFile());
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                int m = mask.get(x, y);
                assertEquals(m != 0 && m != 255 ? 255 : 0, sal.getRaster().getSample(x, y, 0), x + "," + y);
            }
        }
    }

    @Test
    void badIterationsAreOneLine() {
        Object[] r = Cli.withOutput("demo", "--methods", "getam", "--getam-iters", "1", "--out", tmp.resolve("d").toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--getam-iters must be at least 2"), (String) r[2]);
        assertFalse(Files.exists(tmp.resolve("d")), "nothing written");
    }
}
