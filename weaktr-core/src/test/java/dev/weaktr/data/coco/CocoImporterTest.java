package dev.weaktr.data.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.WeaktrException;
import dev.weaktr.cli.Main;
import dev.weaktr.io.LabelPng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a tiny hand-made instances file (annotations before images, extra top-level keys). */
class CocoImporterTest {
    // image a (id 10, 6×5): dog square (0,0)-(4,4) area 16, person (2,2)-(6,5) area 12 → person wins overlap
    // image b (id 11, 4×4): car crowd RLE "52203" = 5,2,2,2,5 (pixels (1..2,1..2)), person counts [0,4,12] (column 0)
    // image c (id 12): no annotations → skipped and counted
    // problems: 200 missing image, 201 polygon with 2 points, 202 RLE size mismatch, 203 unknown category
    static final String JSON = """
            {"info": {"description": "t", "nested": {"a": [1, 2, {"b": []}]}},
             "licenses": [{"id": 1, "name": "x"}],
             "annotations": [
              {"id": 100, "image_id": 10, "category_id": 18, "area": 16.0, "iscrowd": 0, "bbox": [0,0,4,4],
               "segmentation": [[0, 0, 4, 0, 4, 4, 0, 4]]},
              {"id": 101, "image_id": 10, "category_id": 1, "area": 12, "iscrowd": 0,
               "segmentation": [[2, 2, 6, 2, 6, 5, 2, 5]]},
              {"id": 102, "image_id": 11, "category_id": 3, "area": 4, "iscrowd": 1,
               "segmentation": {"size": [4, 4], "counts": "52203"}},
              {"id": 103, "image_id": 11, "category_id": 1, "area": 4, "iscrowd": 1,
               "segmentation": {"counts": [0, 4, 12], "size": [4, 4]}},
              {"id": 200, "image_id": 99, "category_id": 1, "area": 1, "segmentation": [[0, 0, 1, 0, 1, 1]]},
              {"id": 201, "image_id": 10, "category_id": 1, "area": 1, "segmentation": [[0, 0, 1, 1]]},
              {"id": 202, "image_id": 11, "category_id": 3, "area": 1, "segmentation": {"size": [5, 4], "counts": [20]}},
              {"id": 203, "image_id": 11, "category_id": 7, "area": 1, "segmentation": [[0, 0, 1, 0, 1, 1]]}
             ],
             "images": [
              {"id": 12, "file_name": "c.jpg", "width": 3, "height": 3},
              {"id": 11, "file_name": "b.jpg", "width": 4, "height": 4, "license": 1},
              {"id": 10, "file_name": "a.jpg", "width": 6, "height": 5}
             ],
             "categories": [
              {"id": 18, "name": "dog", "supercategory": "animal"},
              {"id": 1, "name": "person"},
              {"id": 3, "name": "car"}
             ]}
            """;

    @TempDir
    Path tmp;

    Path images;
    Path annotations;

    private void setUp(String json) throws IOException {
        images = Files.createDirectories(tmp.resolve("val2014"));
        for (String n : List.of("a", "b", "c")) {
            Files.write(images.resolve(n + ".jpg"), ("jpeg " + n).getBytes(StandardCharsets.UTF_8));
        }
        annotations = tmp.resolve("instances_val2014.json");
        Files.writeString(annotations, json);
    }

    private CocoImportReport run(Path out, boolean rawIds, boolean copy, int threads) {
        return CocoImporter.run(new CocoImportConfig(images, annotations, out, "val", rawIds, copy, threads),
                ImportProgress.NONE);
    }

    private static byte[] rows(String... r) {
        byte[] out = new byte[r.length * r[0].length()];
        for (int y = 0; y < r.length; y++) {
            for (int x = 0; x < r[0].length(); x++) {
                out[y * r[0].length() + x] = (byte) (r[y].charAt(x) - '0');
            }
        }
        return out;
    }

    @Test
    void writesTheVocLayoutWithTheContiguousRemap() throws IOException {
        setUp(JSON);
        Path out = tmp.resolve("data");
        CocoImportReport r = run(out, false, false, 2);
        assertEquals(3, r.imagesInFile());
        assertEquals(2, r.imagesWritten());
        assertEquals(1, r.skippedNoAnnotations());
        assertEquals(0, r.skippedOther());
        assertEquals(8, r.annotationsRead());
        assertEquals("background\nperson\ncar\ndog\n", Files.readString(out.resolve("classes.txt")));
        assertEquals("a 1 3\nb 1 2\n", Files.readString(out.resolve("image_labels.txt")));
        assertEquals("a\nb\n", Files.readString(out.resolve("ImageSets/Segmentation/val.txt")));
        assertArrayEquals(rows(
                "333300",
                "333300",
                "331111",
                "331111",
                "001111"), LabelPng.read(out.resolve("SegmentationClass/a.png")).labels());
        assertArrayEquals(rows(
                "1000",
                "1220",
                "1220",
                "1000"), LabelPng.read(out.resolve("SegmentationClass/b.png")).labels());
        assertFalse(Files.exists(out.resolve("SegmentationClass/c.png")));
        assertFalse(Files.exists(out.resolve("JPEGImages/c.jpg")));
        Path link = out.resolve("JPEGImages/a.jpg");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("jpeg a", Files.readString(link));
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void reportsBadAnnotationsWithTheirIdsAndContinues() throws IOException {
        setUp(JSON);
        CocoImportReport r = run(tmp.resolve("data"), false, false, 1);
        List<Long> ids = r.problems().stream().map(ImportProblem::annotationId).collect(Collectors.toList());
        assertEquals(List.of(201L, 200L, 202L, 203L), ids);
        assertTrue(r.problems().get(0).message().contains("4 coordinates"), r.problems().get(0).message());
        assertTrue(r.problems().get(1).message().contains("image id 99"));
        assertTrue(r.problems().get(2).message().contains("[5, 4]"));
        assertTrue(r.problems().get(3).message().contains("unknown category id 7"));
        String json = Files.readString(tmp.resolve("data/coco_import_val.json"));
        assertTrue(json.contains("\"annotation_id\" : 203"), json);
        assertTrue(json.contains("\"skipped_no_annotations\" : 1"), json);
    }

    @Test
    void rawIdsWriteCategoryIdsAndPlaceholders() throws IOException {
        setUp(JSON);
        Path out = tmp.resolve("raw");
        run(out, true, true, 1);
        List<String> classes = Files.readAllLines(out.resolve("classes.txt"));
        assertEquals(19, classes.size());
        assertEquals(List.of("background", "person", "unused_2", "car"), classes.subList(0, 4));
        assertEquals("dog", classes.get(18));
        assertEquals("a 1 18\nb 1 3\n", Files.readString(out.resolve("image_labels.txt")));
        LabelPng.LabelMap a = LabelPng.read(out.resolve("SegmentationClass/a.png"));
        assertEquals(18, a.get(0, 0));
        assertEquals(1, a.get(2, 2));
        assertEquals(3, LabelPng.read(out.resolve("SegmentationClass/b.png")).get(1, 1));
        Path copied = out.resolve("JPEGImages/b.jpg");
        assertFalse(Files.isSymbolicLink(copied));
        assertEquals("jpeg b", Files.readString(copied));
    }

    @Test
    void outputIsTheSameWhateverTheThreadCount() throws IOException {
        setUp(JSON);
        run(tmp.resolve("one"), false, true, 1);
        run(tmp.resolve("four"), false, true, 4);
        for (String f : List.of("SegmentationClass/a.png", "SegmentationClass/b.png", "image_labels.txt",
                "classes.txt", "ImageSets/Segmentation/val.txt")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("one").resolve(f)),
                    Files.readAllBytes(tmp.resolve("four").resolve(f)), f);
        }
    }

    @Test
    void aFailedImportLeavesNoSplitFile() throws IOException {
        setUp(JSON);
        Path out = tmp.resolve("data");
        run(out, false, false, 1);
        Path split = out.resolve("ImageSets/Segmentation/val.txt");
        assertTrue(Files.exists(split));
        // split file is the newest file of the folder
        long splitTime = Files.getLastModifiedTime(split).toMillis();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                assertTrue(Files.getLastModifiedTime(p).toMillis() <= splitTime, p.toString());
            }
        }
        // a re-import that fails while painting (a directory is in the way of b.png) removes the old split file
        Files.delete(out.resolve("SegmentationClass/b.png"));
        Files.createDirectories(out.resolve("SegmentationClass/b.png/blocker"));
        assertThrows(WeaktrException.class, () -> run(out, false, false, 1));
        assertFalse(Files.exists(split));
    }

    @Test
    void anotherSplitKeepsTheOtherImagesLabelsAndRefusesOtherClasses() throws IOException {
        setUp(JSON);
        Path out = tmp.resolve("data");
        Files.createDirectories(out);
        Files.writeString(out.resolve("image_labels.txt"), "zz 2\na 9\n");
        Files.writeString(out.resolve("classes.txt"), "background\nperson\ncar\ndog\n");
        run(out, false, false, 1);
        assertEquals("a 1 3\nb 1 2\nzz 2\n", Files.readString(out.resolve("image_labels.txt")));
        WeaktrException e = assertThrows(WeaktrException.class, () -> run(out, true, false, 1));
        assertTrue(e.getMessage().contains("classes.txt"), e.getMessage());
    }

    @Test
    void cliReportsUserErrorsWithExitCode2() throws IOException {
        setUp(JSON);
        String out = tmp.resolve("data").toString();
        assertEquals(2, cli("coco-import", "--images", images.toString(), "--annotations",
                tmp.resolve("missing.json").toString(), "--out", out));
        assertEquals(2, cli("coco-import", "--images", tmp.resolve("nope").toString(), "--annotations",
                annotations.toString(), "--out", out));
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"images\": [ {\"id\": 1,");
        assertEquals(2, cli("coco-import", "--images", images.toString(), "--annotations", broken.toString(), "--out", out));
        Path notCoco = tmp.resolve("list.json");
        Files.writeString(notCoco, "[1, 2]");
        assertEquals(2, cli("coco-import", "--images", images.toString(), "--annotations", notCoco.toString(), "--out", out));
        assertFalse(Files.exists(tmp.resolve("data/ImageSets")));
        assertEquals(0, cli("coco-import", "--images", images.toString(), "--annotations", annotations.toString(),
                "--out", out, "--threads", "2"));
        // default split name from instances_val2014.json
        assertEquals("a\nb\n", Files.readString(tmp.resolve("data/ImageSets/Segmentation/val2014.txt")));
    }

    private static int cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            System.setErr(ps);
            return Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
