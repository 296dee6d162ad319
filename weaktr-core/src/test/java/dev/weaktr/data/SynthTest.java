package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.cli.Main;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthTest {
    @TempDir
    Path dir;

    private static final List<String> FILES = List.of("JPEGImages/train_00000.jpg", "JPEGImages/train_00003.jpg",
            "SegmentationClass/train_00003.png", "JPEGImages/val_00001.jpg", "image_labels.txt",
            "ImageSets/Segmentation/train.txt", "classes.txt");

    @Test
    void sameSeedSameBytesDifferentSeedDifferentImages() throws Exception {
        Synth.generate(SynthConfig.of(4, 2, 64, 42), dir.resolve("a"));
        Synth.generate(SynthConfig.of(4, 2, 64, 42), dir.resolve("b"));
        Synth.generate(SynthConfig.of(4, 2, 64, 43), dir.resolve("c"));
        for (String f : FILES) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        for (String f : List.of("JPEGImages/train_00000.jpg", "SegmentationClass/train_00003.png", "JPEGImages/val_00001.jpg")) {
            assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("a").resolve(f)),
                    Files.readAllBytes(dir.resolve("c").resolve(f))), f);
        }
        // an image does not depend on the other split's count
        Synth.generate(SynthConfig.of(1, 2, 64, 42), dir.resolve("d"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/JPEGImages/val_00001.jpg")),
                Files.readAllBytes(dir.resolve("d/JPEGImages/val_00001.jpg")));
    }

    @Test
    void masksAgreeWithLabelsAndLookLikeVoc() {
        Path root = dir.resolve("s");
        Synth.Report report = Synth.generate(SynthConfig.of(16, 0, 64, 5), root);
        VocDataset ds = VocDataset.open(root, "train");
        int[] perClass = new int[5];
        int ignoreTotal = 0;
        for (String id : ds.ids()) {
            LabelMap mask = ds.readMask(id);
            boolean[] present = new boolean[5];
            int[] count = new int[6];
            for (byte b : mask.labels()) {
                int v = b & 0xff;
                assertTrue(v <= 5 || v == 255, "value " + v);
                if (v == 255) {
                    ignoreTotal++;
                } else {
                    count[v]++;
                    if (v > 0) {
                        present[v - 1] = true;
                    }
                }
            }
            assertArrayEquals(present, ds.labels(id), id);
            int classes = 0;
            for (int k = 0; k < 5; k++) {
                if (present[k]) {
                    classes++;
                    perClass[k]++;
                    // the smallest object, a ring of radius 6.4 px (10 % of 64), covers pi (1 - 0.5^2) 6.4^2 = 96 px;
                    // the generator keeps 25 % of it outside the band: >= 24 px
                    assertTrue(count[k + 1] >= 24, id + " class " + (k + 1) + " has only " + count[k + 1] + " px");
                }
            }
            assertTrue(classes >= 1 && classes <= 4, id + " has " + classes + " classes");
            assertBandSeparatesRegions(mask, id);
        }
        assertArrayEquals(perClass, report.imagesPerClass());
        for (int k = 0; k < 5; k++) {
            assertTrue(perClass[k] > 0, "class " + (k + 1) + " never drawn in 16 images");
        }
        assertTrue(ignoreTotal > 16 * 64, "ignore band too thin: " + ignoreTotal);
    }

    /** No two 4-neighbours carry different labels unless one is 255: every border is inside the band. */
    private static void assertBandSeparatesRegions(LabelMap m, String id) {
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                int v = m.get(x, y);
                if (v == 255) {
                    continue;
                }
                if (x + 1 < m.width()) {
                    int r = m.get(x + 1, y);
                    assertTrue(r == 255 || r == v, id + " unbanded border at " + x + "," + y);
                }
                if (y + 1 < m.height()) {
                    int d = m.get(x, y + 1);
                    assertTrue(d == 255 || d == v, id + " unbanded border at " + x + "," + y);
                }
            }
        }
    }

    /** Objects are textured, not flat: the brightness inside every class region varies (sd > 20 on R+G+B). */
    @Test
    void objectsAreTexturedNotFlat() {
        Path root = dir.resolve("t");
        Synth.generate(SynthConfig.of(6, 0, 64, 9), root);
        VocDataset ds = VocDataset.open(root, "train");
        for (String id : ds.ids()) {
            RgbImage img = ds.readImage(id);
            LabelMap mask = ds.readMask(id);
            for (int k = 1; k <= 5; k++) {
                double sum = 0, sq = 0;
                int n = 0;
                for (int i = 0; i < mask.labels().length; i++) {
                    if ((mask.labels()[i] & 0xff) == k) {
                        int g = (img.rgb()[3 * i] & 0xff) + (img.rgb()[3 * i + 1] & 0xff) + (img.rgb()[3 * i + 2] & 0xff);
                        sum += g;
                        sq += (double) g * g;
                        n++;
                    }
                }
                if (n > 0) {
                    double sd = Math.sqrt(sq / n - (sum / n) * (sum / n));
                    assertTrue(sd > 20, id + " class " + k + " is nearly flat (sd " + sd + ")");
                }
            }
        }
    }

    @Test
    void cliWritesDatasetAndContactSheetAndRefusesBadSize() {
        Path out = dir.resolve("cli");
        Path sheet = dir.resolve("sheet.png");
        assertEquals(0, Main.run("synth", "--out", out.toString(), "--train", "5", "--val", "1", "--size", "40",
                "--seed", "3", "--sheet", sheet.toString()));
        assertEquals(5, VocDataset.open(out, "train").size());
        RgbImage s = ImageFiles.readRgb(sheet);
        // 4 columns of 40 px cells with 4 px gaps; 2 rows of (image + mask) with 4 px gaps
        assertEquals(4 + 4 * 44, s.width());
        assertEquals(4 + 2 * (80 + 8), s.height());
        LabelMap mask = LabelPng.read(out.resolve("SegmentationClass/train_00000.png"));
        int v = mask.get(20, 20);
        int want = v == 255 ? 0xe0e0c0 : LabelPng.vocColor(v);
        int y = 4 + 40 + 2 + 20; // mask of cell 0 starts below its image
        assertEquals(want, (s.get(4 + 20, y, 0) << 16) | (s.get(4 + 20, y, 1) << 8) | s.get(4 + 20, y, 2));
        assertEquals(2, Main.run("synth", "--out", dir.resolve("bad").toString(), "--size", "8"));
        assertFalse(Files.exists(dir.resolve("bad")));
    }
}
