package dev.weaktr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDatasetTest {
    @TempDir
    static Path template;

    @TempDir
    Path root;

    /** One small synthetic dataset, generated once and copied for each test (tests modify their copy). */
    @BeforeAll
    static void generate() {
        Synth.generate(SynthConfig.of(6, 3, 48, 1), template.resolve("voc"));
    }

    @BeforeEach
    void copy() throws IOException {
        Path src = template.resolve("voc");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.toList()) {
                Path dst = root.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static WeaktrException fails(Runnable r) {
        return assertThrows(WeaktrException.class, r::run);
    }

    @Test
    void readsSplitsImagesLabelsAndMasks() throws Exception {
        VocDataset ds = VocDataset.open(root, "train");
        assertEquals(List.of("train_00000", "train_00001", "train_00002", "train_00003", "train_00004", "train_00005"),
                ds.ids());
        assertEquals(Synth.classes(), ds.classes());
        assertTrue(ds.hasLabelFile());
        assertTrue(ds.notices().isEmpty());
        assertEquals(3, VocDataset.open(root, "val").size());
        // labels equal the line of image_labels.txt
        String line = Files.readAllLines(root.resolve("image_labels.txt")).get(2);
        String[] tok = line.split(" ");
        assertEquals("train_00002", tok[0]);
        boolean[] want = new boolean[5];
        for (int t = 1; t < tok.length; t++) {
            want[Integer.parseInt(tok[t]) - 1] = true;
        }
        assertArrayEquals(want, ds.labels("train_00002"));
        assertEquals(tok.length - 1, ds.labelIndices("train_00002").length);
        RgbImage img = ds.readImage("train_00002");
        LabelMap mask = ds.readMask("train_00002");
        assertEquals(48, img.width());
        assertEquals(48 * 48, mask.labels().length);
        assertThrows(WeaktrException.class, () -> ds.labels("val_00000"));
    }

    @Test
    void derivesLabelsFromMasksWhenTheLabelFileIsAbsentAndSaysSoOnce() throws Exception {
        VocDataset withFile = VocDataset.open(root, "train");
        Files.delete(root.resolve("image_labels.txt"));
        VocDataset ds = VocDataset.open(root, "train");
        assertFalse(ds.hasLabelFile());
        assertEquals(1, ds.notices().size());
        assertTrue(ds.notices().get(0).contains("image_labels.txt"), ds.notices().get(0));
        for (String id : ds.ids()) {
            assertArrayEquals(withFile.labels(id), ds.labels(id), id);
        }
        assertEquals(1, ds.notices().size());
    }

    /** A hand-made mask: 255 and 0 do not count as classes; values above C are refused. */
    @Test
    void ignoreValueIsNotAClass() throws Exception {
        Files.delete(root.resolve("image_labels.txt"));
        byte[] m = new byte[48 * 48];
        m[0] = (byte) 255;
        m[1] = 3;
        m[2] = (byte) 255;
        LabelPng.write(root.resolve("SegmentationClass/train_00000.png"), new LabelMap(m, 48, 48));
        VocDataset ds = VocDataset.open(root, "train");
        assertArrayEquals(new boolean[] {false, false, true, false, false}, ds.labels("train_00000"));
        assertEquals(255, ds.readMask("train_00000").get(0, 0));
        m[3] = 9; // 6 classes: 9 is neither a class nor 255
        LabelPng.write(root.resolve("SegmentationClass/train_00001.png"), new LabelMap(m, 48, 48));
        WeaktrException e = fails(() -> ds.labels("train_00001"));
        assertTrue(e.getMessage().contains("train_00001.png") && e.getMessage().contains("9"), e.getMessage());
    }

    @Test
    void customClassesAndOutOfRangeIndexNamesTheLine() throws Exception {
        Files.writeString(root.resolve("classes.txt"), "background\nfoo\nbar\n");
        Files.writeString(root.resolve("image_labels.txt"),
                "train_00000 1\ntrain_00001 2\ntrain_00002\ntrain_00003 1 2\ntrain_00004 3\ntrain_00005 1\n");
        WeaktrException e = fails(() -> VocDataset.open(root, "train"));
        assertTrue(e.getMessage().contains("image_labels.txt line 5") && e.getMessage().contains("1..2"), e.getMessage());
        Files.writeString(root.resolve("image_labels.txt"),
                "train_00000 1\ntrain_00001 0\n");
        e = fails(() -> VocDataset.open(root, "train"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(root.resolve("image_labels.txt"),
                "train_00000 1\ntrain_00001 2\ntrain_00002\ntrain_00003 1 2\ntrain_00004 2\ntrain_00005 1\n");
        VocDataset ds = VocDataset.open(root, "train");
        assertEquals(2, ds.classes().numForeground());
        assertArrayEquals(new boolean[] {false, false}, ds.labels("train_00002"));
        assertArrayEquals(new boolean[] {true, true}, ds.labels("train_00003"));
        assertArrayEquals(new int[] {1, 2}, ds.labelIndices("train_00003"));
    }

    @Test
    void missingThingsAreNamed() throws Exception {
        WeaktrException e = fails(() -> VocDataset.open(root.resolve("nope"), "train"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = fails(() -> VocDataset.open(root, "test"));
        assertTrue(e.getMessage().contains("test.txt") && e.getMessage().contains("available splits: train, val"),
                e.getMessage());
        Files.delete(root.resolve("JPEGImages/val_00001.jpg"));
        e = fails(() -> VocDataset.open(root, "val"));
        assertTrue(e.getMessage().contains("val_00001.jpg"), e.getMessage());
        Files.writeString(root.resolve("classes.txt"), "background\n");
        e = fails(() -> VocDataset.open(root, "train"));
        assertTrue(e.getMessage().contains("classes.txt"), e.getMessage());
    }

    @Test
    void missingImagesFolderAndUndecodableImage() throws Exception {
        Files.writeString(root.resolve("JPEGImages/train_00003.jpg"), "not a jpeg");
        VocDataset ds = VocDataset.open(root, "train");
        WeaktrException e = fails(() -> ds.readImage("train_00003"));
        assertTrue(e.getMessage().contains("train_00003.jpg"), e.getMessage());
        Path other = root.resolveSibling(root.getFileName() + "-empty");
        Files.createDirectories(other);
        e = fails(() -> VocDataset.open(other, "train"));
        assertTrue(e.getMessage().contains("JPEGImages"), e.getMessage());
    }

    @Test
    void maskOfTheWrongSizeIsRefused() {
        LabelPng.write(root.resolve("SegmentationClass/train_00004.png"), new LabelMap(new byte[10 * 12], 10, 12));
        WeaktrException e = fails(() -> VocDataset.open(root, "train").readMask("train_00004"));
        assertTrue(e.getMessage().contains("10x12") && e.getMessage().contains("48x48"), e.getMessage());
    }

    /** VOC's augmented set: trainaug.txt is found for split train_aug, SegmentationClassAug wins. */
    @Test
    void acceptsVocAugmentedSplitAndMasks() throws Exception {
        Files.writeString(root.resolve("ImageSets/Segmentation/trainaug.txt"),
                "/JPEGImages/train_00000.jpg /SegmentationClassAug/train_00000.png\ntrain_00001\n");
        byte[] m = new byte[48 * 48];
        m[100] = 4;
        LabelPng.write(root.resolve("SegmentationClassAug/train_00000.png"), new LabelMap(m, 48, 48));
        Files.delete(root.resolve("image_labels.txt"));
        VocDataset ds = VocDataset.open(root, "train_aug");
        assertEquals(List.of("train_00000", "train_00001"), ds.ids());
        assertTrue(ds.notices().get(0).contains("SegmentationClassAug"), ds.notices().get(0));
        assertEquals(root.resolve("SegmentationClassAug/train_00000.png"), ds.maskPath("train_00000").orElseThrow());
        assertArrayEquals(new boolean[] {false, false, false, true, false}, ds.labels("train_00000"));
        assertEquals(root.resolve("SegmentationClass/train_00001.png"), ds.maskPath("train_00001").orElseThrow());
    }
}
