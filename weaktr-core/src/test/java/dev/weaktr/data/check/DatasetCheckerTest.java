package dev.weaktr.data.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.data.coco.ImportProgress;
import dev.weaktr.data.importer.TinyImages;
import dev.weaktr.io.ExifJpegs;
import dev.weaktr.io.LabelPng;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each check on a tiny crafted dataset with exactly one fault. */
class DatasetCheckerTest {
    @TempDir
    Path tmp;

    /** A clean dataset: classes cat, dog; a (cat), b (dog), c (cat dog), n (none); 8x6 PNG-content images; mask for a. */
    private Path clean() throws IOException {
        Path d = tmp.resolve("data");
        Files.createDirectories(d.resolve("ImageSets/Segmentation"));
        Files.writeString(d.resolve("classes.txt"), "background\ncat\ndog\n");
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 2\nc 1 2\nn\n");
        Files.writeString(d.resolve("ImageSets/Segmentation/train.txt"), "a\nb\nc\nn\n");
        int v = 10;
        for (String id : new String[] {"a", "b", "c", "n"}) {
            TinyImages.write(d.resolve("JPEGImages/" + id + ".jpg"), v += 40);
        }
        writeMask(d.resolve("SegmentationClass/a.png"), 8, 6, 1);
        return d;
    }

    private static void writeMask(Path file, int w, int h, int value) {
        byte[] m = new byte[w * h];
        Arrays.fill(m, (byte) value);
        m[0] = (byte) 255;
        LabelPng.write(file, new LabelPng.LabelMap(m, w, h));
    }

    private static CheckReport check(Path d) {
        return DatasetChecker.check(d, null, 2, ImportProgress.NONE);
    }

    /** Problem → count, notes excluded unless asked. */
    private static Map<Problem, Integer> counts(CheckReport r) {
        Map<Problem, Integer> m = new EnumMap<>(Problem.class);
        for (Problem p : Problem.values()) {
            if (r.count(p) > 0 && p != Problem.NEGATIVE_IMAGE) {
                m.put(p, r.count(p));
            }
        }
        return m;
    }

    @Test
    void cleanDatasetHasOnlyTheNegativeNoteAndStatistics() throws IOException {
        CheckReport r = check(clean());
        assertEquals(Map.of(), counts(r));
        assertEquals(1, r.count(Problem.NEGATIVE_IMAGE));
        assertEquals(0, r.exitCode());
        SplitStats s = r.stats().get(0);
        assertEquals(4, s.images());
        assertEquals(1, s.negatives());
        assertEquals(1, s.multiLabel());
        assertEquals("[2, 2]", Arrays.toString(s.perClass()));
        String text = r.render();
        assertTrue(text.startsWith("dataset check " + tmp.resolve("data") + ": 0 error(s), 0 warning(s) — fine\n"), text);
        assertTrue(text.contains("\nmulti-label share" + " ".repeat(13) + "25.0%\n"), text);
        assertTrue(text.contains("\n1 cat" + " ".repeat(29) + "2\n"), text);
    }

    @Test
    void missingUnreadableAndTruncatedImagesAreErrors() throws IOException {
        Path d = clean();
        Files.delete(d.resolve("JPEGImages/a.jpg"));
        Files.writeString(d.resolve("JPEGImages/b.jpg"), "this is not an image");
        byte[] jpeg = ExifJpegs.jpeg(ExifJpegs.markers());
        Files.write(d.resolve("JPEGImages/c.jpg"), Arrays.copyOf(jpeg, jpeg.length - 50));
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.MISSING_IMAGE, 1, Problem.UNREADABLE_IMAGE, 1, Problem.TRUNCATED_IMAGE, 1), counts(r));
        assertEquals(2, r.exitCode());
        assertTrue(r.headline().get(0).endsWith("3 error(s), 0 warning(s) — training refuses this dataset"));
        assertTrue(r.headline().get(1).startsWith("error: missing image (1): a: "), r.headline().toString());
    }

    @Test
    void truncatedPngIsAnError() throws IOException {
        Path d = clean();
        byte[] png = Files.readAllBytes(d.resolve("JPEGImages/b.jpg"));
        Files.write(d.resolve("JPEGImages/b.jpg"), Arrays.copyOf(png, png.length - 12));
        assertEquals(Map.of(Problem.TRUNCATED_IMAGE, 1), counts(check(d)));
    }

    @Test
    void cmykJpegIsRefusedByName() throws IOException {
        Path d = clean();
        Files.write(d.resolve("JPEGImages/b.jpg"), cmykJpeg());
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.CMYK_IMAGE, 1), counts(r));
        assertTrue(r.findings().stream().anyMatch(f -> f.detail().contains("4-component JPEG")));
    }

    /** A 4-channel JPEG written from a raster (the JPEG writer stores 4 bands as CMYK/YCCK). */
    private static byte[] cmykJpeg() throws IOException {
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new javax.imageio.IIOImage(raster, null, null), null);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    @Test
    void greySixteenBitAndAlphaAreHandledWithNotesOrWarnings() throws IOException {
        Path d = clean();
        writeImage(d.resolve("JPEGImages/a.jpg"), new BufferedImage(8, 6, BufferedImage.TYPE_BYTE_GRAY));
        writeImage(d.resolve("JPEGImages/b.jpg"), new BufferedImage(8, 6, BufferedImage.TYPE_USHORT_GRAY));
        writeImage(d.resolve("JPEGImages/c.jpg"), new BufferedImage(8, 6, BufferedImage.TYPE_INT_ARGB));
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.GREY_IMAGE, 2, Problem.SIXTEEN_BIT_IMAGE, 1, Problem.ALPHA_IMAGE, 1), counts(r));
        assertEquals(0, r.exitCode(), "handled kinds do not stop training");
        assertTrue(r.render().contains("handled: alpha dropped"));
    }

    private static void writeImage(Path f, BufferedImage img) throws IOException {
        assertTrue(ImageIO.write(img, "png", f.toFile()));
    }

    @Test
    void exifRotatedImageNeedsItsMaskInDisplayedOrientation() throws IOException {
        Path d = clean();
        // stored 48x32, orientation 6: displayed 32x48
        Files.write(d.resolve("JPEGImages/a.jpg"), ExifJpegs.withOrientation(ExifJpegs.markers(), 6, false));
        writeMask(d.resolve("SegmentationClass/a.png"), 32, 48, 1);
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.EXIF_ROTATED, 1), counts(r));
        assertEquals(0, r.exitCode());
        writeMask(d.resolve("SegmentationClass/a.png"), 48, 32, 1);
        CheckReport stored = check(d);
        assertEquals(Map.of(Problem.EXIF_ROTATED, 1, Problem.MASK_SIZE, 1), counts(stored));
        assertTrue(stored.findings().stream().anyMatch(f -> f.detail().equals("mask 48x32, image 32x48 as displayed")));
    }

    @Test
    void labelFaultsAreErrorsNamingTheLine() throws IOException {
        Path d = clean();
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 3\nc 2 dog\nn\nn 1\n");
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.LABEL_OUT_OF_RANGE, 1, Problem.UNKNOWN_CLASS_NAME, 1, Problem.DUPLICATE_LABEL_LINE, 1),
                counts(r));
        assertTrue(r.findings().contains(new Finding(Problem.LABEL_OUT_OF_RANGE, "image_labels.txt line 2",
                "class index 3, expected 1..2")));
        assertTrue(r.findings().contains(new Finding(Problem.UNKNOWN_CLASS_NAME, "image_labels.txt line 3",
                "'dog' is a class name; write its index 2")));
    }

    @Test
    void idsWithoutLabelLinesAndDuplicateIds() throws IOException {
        Path d = clean();
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 2\nc 1 2\n");
        Files.writeString(d.resolve("ImageSets/Segmentation/train.txt"), "a\nb\nc\nn\na\n");
        Files.writeString(d.resolve("ImageSets/Segmentation/val.txt"), "c\n");
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.NO_LABEL_LINE, 1, Problem.DUPLICATE_IN_SPLIT, 1, Problem.IN_SEVERAL_SPLITS, 1), counts(r));
        assertEquals(2, r.stats().size());
    }

    @Test
    void vocAugmentedSplitAliasAndMissingSplit() throws IOException {
        Path d = clean();
        Files.move(d.resolve("ImageSets/Segmentation/train.txt"), d.resolve("ImageSets/Segmentation/trainaug.txt"));
        assertEquals(Map.of(), counts(DatasetChecker.check(d, "train_aug", 1, ImportProgress.NONE)));
        CheckReport r = DatasetChecker.check(d, "test", 1, ImportProgress.NONE);
        assertEquals(Map.of(Problem.LAYOUT, 1), counts(r));
        assertTrue(r.headline().get(1).contains("split 'test' not found"), r.headline().toString());
    }

    @Test
    void maskValuesOutsideTheClassesAreErrors() throws IOException {
        Path d = clean();
        writeMask(d.resolve("SegmentationClass/a.png"), 8, 6, 7);
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.MASK_VALUES, 1), counts(r));
        assertTrue(r.findings().stream().anyMatch(f -> f.detail().equals("values [7] (expected 0..2 or 255)")));
    }

    @Test
    void singleClassWithoutNegativesWarnsAndExplains() throws IOException {
        Path d = clean();
        Files.writeString(d.resolve("classes.txt"), "background\nscratch\n");
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 1\nc 1\nn 1\n");
        CheckReport r = check(d);
        assertEquals(Map.of(Problem.SINGLE_CLASS_NO_NEGATIVES, 1), counts(r));
        assertEquals(0, r.exitCode());
        String w = r.headline().get(1);
        assertTrue(w.startsWith("warning: single class, no negative image (1): class 'scratch': "), w);
        assertTrue(w.contains("always answering \"yes\"") && w.contains("empty labels"), w);
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 1\nc 1\nn\n");
        assertEquals(Map.of(), counts(check(d)), "one negative is enough to lift the warning");
    }

    @Test
    void cliExitCodesAndTrainCamRefusal() throws IOException {
        Path d = clean();
        assertEquals(0, cli("dataset", "check", "--data", d.toString())[0]);
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 3\nc 1 2\nn\n");
        Object[] r = cli("dataset", "check", "--data", d.toString(), "--split", "train");
        assertEquals(2, r[0]);
        String out = (String) r[1];
        assertTrue(out.startsWith("dataset check " + d + ": 1 error(s), 0 warning(s) — training refuses this dataset\n"
                + "error: label index out of range (1): image_labels.txt line 2: class index 3, expected 1..2\n"), out);
        // a fault VocDataset.open lets through (a truncated image) makes train-cam refuse with the check's lines
        Files.writeString(d.resolve("image_labels.txt"), "a 1\nb 2\nc 1 2\nn\n");
        byte[] jpeg = ExifJpegs.jpeg(ExifJpegs.markers());
        Files.write(d.resolve("JPEGImages/c.jpg"), Arrays.copyOf(jpeg, jpeg.length - 50));
        Object[] t = cli("train-cam", "--data", d.toString(), "--out", tmp.resolve("run").toString(), "--model", "cpu-demo",
                "--epochs", "1", "--batch", "2", "--crop", "32");
        assertEquals(2, t[0]);
        assertTrue(((String) t[2]).contains("error: truncated image (1): c: "), (String) t[2]);
        assertFalse(Files.exists(tmp.resolve("run/run.json")), "nothing written");
    }

    /** {exit code, stdout, stderr}. */
    static Object[] cli(String... args) {
        return dev.weaktr.cli.Cli.withOutput(args);
    }
}
