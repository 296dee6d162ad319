package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaktr.cam.CamStore;
import dev.weaktr.io.ExifJpegs;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bring your own data, end to end, with one class and negative images: a tags CSV → dataset import
 * (with masks) → dataset check → train-cam (cpu-demo, 1 epoch) → cams → eval-cam → seeds. One positive is
 * a JPEG stored 48x32 with EXIF orientation 6 (shown 32x48) and a mask drawn on the shown image.
 */
class SingleClassPipelineTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path cams;
    static String importOut;
    static String checkOut;

    /** {exit code, stdout, stderr}. */
    static Object[] cli(String... args) {
        return dev.weaktr.cli.Cli.withOutput(args);
    }

    static void ok(Object[] r) {
        assertEquals(0, r[0], "stdout: " + r[1] + "\nstderr: " + r[2]);
    }

    @BeforeAll
    static void pipeline() throws IOException {
        Path images = tmp.resolve("photos"), masks = tmp.resolve("masks");
        StringBuilder csv = new StringBuilder("image,labels\n");
        for (int i = 0; i < 6; i++) {
            boolean positive = i % 2 == 0;
            ImageFiles.write(images.resolve("p" + i + ".png"), picture(32, 32, positive ? 8 + i : -1));
            LabelPng.write(masks.resolve("p" + i + ".png"), mask(32, 32, positive ? 8 + i : -1));
            csv.append("p").append(i).append(".png,").append(positive ? "scratch" : "").append('\n');
        }
        Files.write(images.resolve("rot.jpg"), ExifJpegs.withOrientation(ExifJpegs.markers(), 6, true));
        LabelPng.write(masks.resolve("rot.png"), mask(32, 48, 0));
        csv.append("rot.jpg,scratch\n");
        Files.writeString(tmp.resolve("tags.csv"), csv);
        data = tmp.resolve("data");
        Object[] imp = cli("dataset", "import", "--images", images.toString(), "--tags", tmp.resolve("tags.csv").toString(),
                "--out", data.toString(), "--masks", masks.toString(), "--val-fraction", "0.5", "--seed", "3");
        ok(imp);
        importOut = (String) imp[1];
        Object[] chk = cli("dataset", "check", "--data", data.toString());
        ok(chk);
        checkOut = (String) chk[1];
        // evaluate on every image: one split holding all
        Files.writeString(data.resolve("ImageSets/Segmentation/all.txt"), "p0\np1\np2\np3\np4\np5\nrot\n");
        ok(cli("train-cam", "--data", data.toString(), "--out", tmp.resolve("run").toString(), "--model", "cpu-demo",
                "--epochs", "1", "--batch", "2", "--crop", "32", "--lr", "0.1"));
        cams = tmp.resolve("cams");
        ok(cli("cams", "--run", tmp.resolve("run").toString(), "--data", data.toString(), "--split", "all",
                "--out", cams.toString(), "--scales", "1.0"));
        ok(cli("eval-cam", "--cams", cams.toString(), "--data", data.toString(), "--split", "all"));
        ok(cli("seeds", "--cams", cams.toString(), "--bg", "0.3", "--out", tmp.resolve("seeds").toString()));
        // phase 2 on the same data: negatives train as all-background seeds
        ok(cli("retrain", "--data", data.toString(), "--split", "all", "--seeds", tmp.resolve("seeds").toString(),
                "--out", tmp.resolve("seg").toString(), "--model", "cpu-demo", "--crop", "32", "--epochs", "1",
                "--batch", "2", "--lr", "0.01"));
        ok(cli("segment", "--run", tmp.resolve("seg").toString(), "--data", data.toString(), "--split", "all",
                "--out", tmp.resolve("pred").toString(), "--scales", "1.0"));
        ok(cli("eval", "--pred", tmp.resolve("pred").toString(), "--data", data.toString(), "--split", "all"));
    }

    @Test
    void retrainSegmentAndEvalHandleOneClassNegativesAndExif() throws IOException {
        LabelPng.LabelMap rot = LabelPng.read(tmp.resolve("pred").resolve("rot.png"));
        assertEquals(32, rot.width());
        assertEquals(48, rot.height());
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("pred").resolve("metrics.json").toFile());
        assertEquals(7, m.get("images").asInt());
        assertEquals(2, m.get("per_class").size());
        for (String line : Files.readAllLines(tmp.resolve("seg").resolve("log.jsonl"))) {
            assertFalse(line.contains("NaN"), line);
        }
    }

    /** Dark grey; with a bright 12x12 square at (c, c) when c >= 0. */
    static RgbImage picture(int w, int h, int c) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = c >= 0 && x >= c && x < c + 12 && y >= c && y < c + 12;
                for (int k = 0; k < 3; k++) {
                    rgb[3 * (y * w + x) + k] = (byte) (in ? 230 : 40 + (x * 3 + y) % 20);
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    static LabelPng.LabelMap mask(int w, int h, int c) {
        byte[] m = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m[y * w + x] = (byte) (c >= 0 && x >= c && x < c + 12 && y >= c && y < c + 12 ? 1 : 0);
            }
        }
        return new LabelPng.LabelMap(m, w, h);
    }

    @Test
    void importWroteOneClassTheNegativesAndAStratifiedSplit() throws IOException {
        assertEquals("background\nscratch\n", Files.readString(data.resolve("classes.txt")));
        assertEquals("p0 1\np1\np2 1\np3\np4 1\np5\nrot 1\n", Files.readString(data.resolve("image_labels.txt")));
        List<String> val = Files.readAllLines(data.resolve("ImageSets/Segmentation/val.txt"));
        List<String> train = Files.readAllLines(data.resolve("ImageSets/Segmentation/train.txt"));
        assertEquals(4, val.size(), "round(7 * 0.5) = 4: " + val);
        assertEquals(3, train.size());
        long valNegatives = val.stream().filter(id -> List.of("p1", "p3", "p5").contains(id)).count();
        assertTrue(valNegatives == 1 || valNegatives == 2, "both strata split about in half: " + val);
        assertTrue(importOut.contains("imported 7 images: 3 train, 4 val; 1 classes; 3 negative, 0 multi-label; 7 masks"), importOut);
        assertFalse(importOut.contains("warning"), importOut);
    }

    @Test
    void checkReportsTheRotatedImageAndTheNegatives() {
        assertTrue(checkOut.contains("0 error(s), 0 warning(s) — fine"), checkOut);
        assertTrue(checkOut.contains("EXIF-rotated image"), checkOut);
        assertTrue(checkOut.contains("image without labels (negative)    note           3  "), checkOut);
    }

    @Test
    void negativesGetNoMapAndAnAllBackgroundSeed() throws IOException {
        CamStore store = CamStore.open(cams);
        for (String id : List.of("p1", "p3", "p5")) {
            assertEquals(0, store.entry(id).classes().length);
            assertFalse(Files.exists(cams.resolve(id + ".npy")));
            LabelPng.LabelMap seed = LabelPng.read(tmp.resolve("seeds").resolve(id + ".png"));
            for (byte b : seed.labels()) {
                assertEquals(0, b);
            }
        }
        assertEquals("[1]", java.util.Arrays.toString(store.entry("p0").classes()));
        assertTrue(Files.exists(cams.resolve("p0.npy")));
    }

    @Test
    void rotatedJpegGivesMapsAndSeedsInTheDisplayedOrientation() {
        CamStore.Entry e = CamStore.open(cams).entry("rot");
        assertEquals(48, e.height());
        assertEquals(32, e.width());
        LabelPng.LabelMap seed = LabelPng.read(tmp.resolve("seeds").resolve("rot.png"));
        assertEquals(32, seed.width());
        assertEquals(48, seed.height());
    }

    @Test
    void evalCamScoresBackgroundAndTheOneClass() throws IOException {
        JsonNode m = new ObjectMapper().readTree(cams.resolve("metrics.json").toFile());
        assertEquals(7, m.get("images").asInt());
        assertEquals(2, m.get("per_class").size());
        assertTrue(m.get("per_class").has("background") && m.get("per_class").has("scratch"));
        double miou = m.get("mIoU").asDouble();
        assertTrue(miou > 0 && miou <= 100, "mIoU " + miou);
    }
}
