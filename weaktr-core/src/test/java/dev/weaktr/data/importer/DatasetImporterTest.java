package dev.weaktr.data.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.coco.ImportProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetImporterTest {
    @TempDir
    Path tmp;

    private ImportSummary importTags(Path images, Path tags, Path out, double f, long seed, Path classes) {
        return DatasetImporter.run(new ImportConfig(images, tags, out, f, seed, classes, "none", null, false, 2),
                ImportProgress.NONE);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void csvWithQuotedCommasAndUtf8ClassNamesSurvives() throws IOException {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("a, b.jpg"), 10);
        TinyImages.write(images.resolve("sub/c.png"), 20);
        TinyImages.write(images.resolve("d.jpg"), 30);
        TinyImages.write(images.resolve("e.jpg"), 40);
        Path tags = tmp.resolve("tags.csv");
        Files.writeString(tags, "\uFEFFid,image,labels\r\n"
                + "1,\"a, b.jpg\",\"Größe, klein;dog\"\r\n"
                + "2,sub/c.png,dog\r\n"
                + "3,d.jpg,\r\n"
                + "\r\n"
                + "4,e.jpg,\"cat ; dog;cat\"\r\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("data");
        ImportSummary s = importTags(images, tags, out, 0.0, 0, null);
        assertEquals("background\nGröße, klein\ndog\ncat\n", read(out.resolve("classes.txt")));
        assertEquals("a__b 1 2\nc 2\nd\ne 2 3\n", read(out.resolve("image_labels.txt")));
        assertEquals("a__b\nc\nd\ne\n", read(out.resolve("ImageSets/Segmentation/train.txt")));
        assertFalse(Files.exists(out.resolve("ImageSets/Segmentation/val.txt")));
        assertTrue(Files.isSymbolicLink(out.resolve("JPEGImages/a__b.jpg")));
        assertEquals(images.resolve("sub/c.png").toAbsolutePath(), Files.readSymbolicLink(out.resolve("JPEGImages/c.jpg")));
        assertEquals(1, s.negatives());
        assertEquals(2, s.multiLabel());
        assertEquals(List.of(1, 3, 1), List.of(s.perClass()[0], s.perClass()[1], s.perClass()[2]));
        VocDataset ds = VocDataset.open(out, "train");
        assertEquals(3, ds.classes().numForeground());
        assertEquals("[2, 3]", java.util.Arrays.toString(ds.labelIndices("e")));
        assertEquals(8, ds.readImage("c").width(), "a PNG behind a .jpg name decodes");
    }

    @Test
    void jsonLinesAndClassesFileOrder() throws IOException {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("x.jpg"), 1);
        TinyImages.write(images.resolve("y.jpg"), 2);
        Path tags = tmp.resolve("tags.jsonl");
        Files.writeString(tags, "{\"image\": \"x.jpg\", \"labels\": [\"scratch\", \"dent\"]}\n\n"
                + "{\"image\": \"y.jpg\", \"labels\": \"\"}\n");
        Path classes = tmp.resolve("order.txt");
        Files.writeString(classes, "background\ndent\nscratch\nrust\n");
        Path out = tmp.resolve("data");
        ImportSummary s = importTags(images, tags, out, 0.0, 0, classes);
        assertEquals("background\ndent\nscratch\nrust\n", read(out.resolve("classes.txt")));
        assertEquals("x 1 2\ny\n", read(out.resolve("image_labels.txt")));
        assertTrue(s.warnings().get(0).contains("'rust'"), s.warnings().toString());
    }

    @Test
    void foldersGiveMultiLabelByContentAndNegatives() throws IOException {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("scratch/p1.jpg"), 1);
        TinyImages.write(images.resolve("scratch/p2.jpg"), 2);
        TinyImages.write(images.resolve("dent/p2-copy.jpg"), 2); // same content as scratch/p2: both classes
        TinyImages.write(images.resolve("dent/p3.jpg"), 3);
        TinyImages.write(images.resolve("none/n1.jpg"), 4);
        TinyImages.write(images.resolve("none/n2.jpg"), 5);
        Files.writeString(images.resolve("readme.txt"), "loose file");
        Path out = tmp.resolve("data");
        ImportSummary s = DatasetImporter.run(new ImportConfig(images, null, out, 0.0, 0, null, "none", null, true, 2),
                ImportProgress.NONE);
        // folders in name order: dent, none, scratch → classes dent, scratch
        assertEquals("background\ndent\nscratch\n", read(out.resolve("classes.txt")));
        assertEquals("p2-copy 1 2\np3 1\nn1\nn2\np1 2\n", read(out.resolve("image_labels.txt")));
        assertEquals(5, s.images());
        assertEquals(1, s.multiLabel());
        assertEquals(2, s.negatives());
        assertFalse(Files.isSymbolicLink(out.resolve("JPEGImages/p3.jpg")), "--copy copies");
        assertTrue(s.notes().get(0).contains("1 file(s) directly in"), s.notes().toString());
    }

    @Test
    void negativeAndClassCopyOfOneImageIsRefused() {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("cat/a.jpg"), 1);
        TinyImages.write(images.resolve("empty/a.jpg"), 1);
        WeaktrException e = assertThrows(WeaktrException.class, () -> DatasetImporter.run(
                new ImportConfig(images, null, tmp.resolve("o"), 0.0, 0, null, "EMPTY", null, false, 1), ImportProgress.NONE));
        assertTrue(e.getMessage().contains("'EMPTY/'") && e.getMessage().contains("[cat]"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void idsAreSafeAndUnique() {
        IdNamer n = new IdNamer();
        assertEquals("x", n.idFor("a/x.jpg"));
        assertEquals("x_2", n.idFor("b/x.png"));
        assertEquals("X_3", n.idFor("c/X.jpg"), "ids differ in more than case (case-insensitive file systems)");
        assertEquals("my_photo__1_", n.idFor("my photo (1).jpeg"));
        assertEquals("_hidden", n.idFor(".hidden.jpg"));
        assertEquals("caf_", n.idFor("café.jpg"));
        assertEquals("caf__2", n.idFor("cafè.jpg"));
    }

    @Test
    void splitIsStratifiedByRarestClassAndDeterministicBySeed() throws IOException {
        Path images = tmp.resolve("img");
        StringBuilder csv = new StringBuilder("image,labels\n");
        int v = 0;
        // 20 a, 10 b (of which 5 also a: stratum b, the rarer), 10 c, 10 negatives
        for (int i = 0; i < 20; i++) {
            csv.append(row(images, v++, "a"));
        }
        for (int i = 0; i < 10; i++) {
            csv.append(row(images, v++, i < 5 ? "a;b" : "b"));
        }
        for (int i = 0; i < 10; i++) {
            csv.append(row(images, v++, "c"));
        }
        for (int i = 0; i < 10; i++) {
            csv.append(row(images, v++, ""));
        }
        Path tags = tmp.resolve("t.csv");
        Files.writeString(tags, csv);
        ImportSummary s = importTags(images, tags, tmp.resolve("d1"), 0.2, 7, null);
        assertEquals(40, s.train());
        assertEquals(10, s.val());
        Map<String, Integer> strata = valStrata(tmp.resolve("d1"));
        assertEquals(Map.of("a", 4, "b", 2, "c", 2, "-", 2), strata);
        importTags(images, tags, tmp.resolve("d2"), 0.2, 7, null);
        importTags(images, tags, tmp.resolve("d3"), 0.2, 8, null);
        String val1 = read(tmp.resolve("d1/ImageSets/Segmentation/val.txt"));
        assertEquals(val1, read(tmp.resolve("d2/ImageSets/Segmentation/val.txt")), "same seed, same split");
        assertNotEquals(val1, read(tmp.resolve("d3/ImageSets/Segmentation/val.txt")), "another seed, another split");
        assertEquals(Map.of("a", 4, "b", 2, "c", 2, "-", 2), valStrata(tmp.resolve("d3")));
    }

    @Test
    void largestRemainderGivesRoundedTotal() {
        List<int[]> labels = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            labels.add(new int[] {1 + i % 3}); // 3, 2, 2 per class
        }
        StratifiedSplit.Result r = StratifiedSplit.split(labels, 3, 0.3, 1);
        assertEquals(2, r.val().size(), "round(7 * 0.3) = 2");
        assertEquals(5, r.train().size());
    }

    private static String row(Path images, int v, String labels) {
        TinyImages.write(images.resolve("i" + v + ".png"), v);
        return "i" + v + ".png," + labels + "\n";
    }

    /** Val images per stratum name: a and b by the image's rarest class ("-" = negative). */
    private static Map<String, Integer> valStrata(Path data) throws IOException {
        Map<String, String> labels = new HashMap<>();
        for (String line : Files.readAllLines(data.resolve("image_labels.txt"))) {
            String[] t = line.split(" ");
            labels.put(t[0], t.length == 1 ? "-" : t.length == 3 ? "b" : t[1].equals("1") ? "a" : t[1].equals("2") ? "b" : "c");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String id : Files.readAllLines(data.resolve("ImageSets/Segmentation/val.txt"))) {
            counts.merge(labels.get(id), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void masksAreCarriedOverByStem() throws IOException {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("cat/a.jpg"), 1);
        TinyImages.write(images.resolve("none/b.jpg"), 2);
        Path masks = tmp.resolve("masks");
        TinyImages.write(masks.resolve("a.png"), 1);
        Path out = tmp.resolve("data");
        ImportSummary s = DatasetImporter.run(new ImportConfig(images, null, out, 0.0, 0, null, "none", masks, false, 1),
                ImportProgress.NONE);
        assertEquals(1, s.masks());
        assertTrue(Files.exists(out.resolve("SegmentationClass/a.png")));
        assertFalse(Files.exists(out.resolve("SegmentationClass/b.png")));
    }
}
