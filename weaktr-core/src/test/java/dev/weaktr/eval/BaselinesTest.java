package dev.weaktr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baselines on a 4×4 image whose numbers are worked out by hand below: class 1 fills the top-left 2×2 block
 * (colour (110, 10, 10)), the rest is background (colour (10, 10, 10)).
 */
class BaselinesTest {
    @TempDir
    Path root;

    private VocDataset oneImage() throws Exception {
        byte[] rgb = new byte[4 * 4 * 3];
        byte[] mask = new byte[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                boolean obj = x < 2 && y < 2;
                int i = y * 4 + x;
                rgb[3 * i] = (byte) (obj ? 110 : 10);
                rgb[3 * i + 1] = 10;
                rgb[3 * i + 2] = 10;
                mask[i] = (byte) (obj ? 1 : 0);
            }
        }
        Files.createDirectories(root.resolve("ImageSets/Segmentation"));
        ImageFiles.write(root.resolve("JPEGImages/a.png"), new RgbImage(4, 4, rgb)); // PNG content: lossless
        Files.move(root.resolve("JPEGImages/a.png"), root.resolve("JPEGImages/a.jpg"));
        LabelPng.write(root.resolve("SegmentationClass/a.png"), new LabelPng.LabelMap(mask, 4, 4));
        Files.writeString(root.resolve("ImageSets/Segmentation/s.txt"), "a\n");
        Files.writeString(root.resolve("classes.txt"), "background\nthing\n");
        Files.writeString(root.resolve("image_labels.txt"), "a 1\n");
        return VocDataset.open(root, "s");
    }

    @Test
    void gaussianMapAtPixelCentres() {
        float[] g = Baselines.gaussian(4, 4); // centre (2, 2), sigma 1; centres at 0.5..3.5
        assertEquals(Math.exp(-0.25), g[1 * 4 + 1], 1e-6); // (±0.5, ±0.5)
        assertEquals(Math.exp(-1.25), g[0 * 4 + 1], 1e-6); // (0.5, 1.5)
        assertEquals(Math.exp(-2.25), g[0], 1e-6); // (1.5, 1.5)
        assertEquals(g[0], g[15], 0);
    }

    @Test
    void scoresWorkedOutByHand() throws Exception {
        List<Baselines.Score> s = Baselines.evaluate(oneImage(), 0.0, 0.6, 0.01);
        // Gaussian: inner 4 pixels 0.7788, edge 8 pixels 0.2865, corners 0.1054.
        //   t >= 0.29: fg = inner 4 -> class 1 IoU 1/7, background 9/15 -> mIoU 37.14 (best, first at 0.29)
        //   0.11..0.28: fg = 12 -> 3/13 and 3/13 -> 23.08; t <= 0.10: all fg -> 4/16 and 0 -> 12.5
        assertEquals("gaussian", s.get(0).name());
        assertEquals(100 * (1 / 7.0 + 9 / 15.0) / 2, s.get(0).mIoU(), 1e-9);
        assertEquals(0.29, s.get(0).threshold(), 1e-9);
        // saliency: border mean R = (3·110 + 9·10)/12 = 35 -> distances 75 (object) and 25 -> 1 and 1/3;
        //   t >= 0.34 separates perfectly (100), t <= 0.33 all fg (12.5)
        assertEquals("saliency", s.get(1).name());
        assertEquals(100, s.get(1).mIoU(), 1e-9);
        assertEquals(0.34, s.get(1).threshold(), 1e-9);
        // all background: background IoU 12/16, class 1 IoU 0 -> 37.5 at every threshold (first: 0.00)
        assertEquals("background", s.get(2).name());
        assertEquals(37.5, s.get(2).mIoU(), 1e-9);
        assertEquals(0.0, s.get(2).threshold(), 1e-9);
        assertEquals("saliency", Baselines.best(s).name());
    }

    @Test
    void addedToMetricsJsonKeepingEveryOtherKey() throws Exception {
        Path m = root.resolve("metrics.json");
        Files.writeString(m, "{\"mIoU\": 12.5, \"curve\": [1, 2]}\n");
        Baselines.addToMetrics(m, List.of(new Baselines.Score("gaussian", 18.1, 0.3)));
        JsonNode j = new ObjectMapper().readTree(m.toFile());
        assertEquals(12.5, j.get("mIoU").asDouble());
        assertEquals(2, j.get("curve").size());
        assertEquals("gaussian", j.get("baselines").get(0).get("name").asText());
        assertEquals(18.1, j.get("baselines").get(0).get("mIoU").asDouble());
        assertTrue(Baselines.line(Baselines.evaluate(oneImage(), 0, 0.6, 0.01)).contains("saliency 100.00 (T 0.34)"));
    }
}
