package dev.weaktr.data.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.LabelPng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Converts a COCO instances file into weaktr's VOC-style dataset layout:
 *
 * <pre>
 * OUT/JPEGImages/&lt;id&gt;.jpg            symlink to (or copy of) the COCO image; id = COCO file stem
 * OUT/SegmentationClass/&lt;id&gt;.png     indexed PNG, pixel = class index, 0 = background
 * OUT/classes.txt                    background, then the categories in ascending id order
 * OUT/image_labels.txt               "&lt;id&gt; &lt;class index&gt; ..." foreground classes, ascending
 * OUT/coco_import_&lt;split&gt;.json       counts and every reported problem
 * OUT/ImageSets/Segmentation/&lt;split&gt;.txt   the written ids, one per line: written LAST
 * </pre>
 *
 * One streaming pass reads the file ({@link CocoJsonReader}); the images are then painted
 * ({@link MaskPainter}) in parallel and each PNG is written as soon as it is painted. Images without
 * annotations are skipped and counted. Per-annotation problems are reported and skipped; every file
 * is written atomically and the split file last, so an interrupted import is visibly unfinished.
 */
public final class CocoImporter {
    private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern HAS_SPACE = Pattern.compile("\\s");

    private final CocoImportConfig config;
    private final ImportProgress progress;

    private CocoImporter(CocoImportConfig config, ImportProgress progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs the import; user mistakes (missing inputs, a file that is not COCO) throw {@link WeaktrException}. */
    public static CocoImportReport run(CocoImportConfig config, ImportProgress progress) {
        return new CocoImporter(config, progress).run();
    }

    private record Outcome(boolean written, int[] classes, List<ImportProblem> problems) {}

    private CocoImportReport run() {
        validate();
        CocoJsonReader.Contents contents = CocoJsonReader.read(config.annotations(), progress);
        ClassIndex classes = ClassIndex.of(contents.categories(), config.rawIds(), config.annotations().toString());
        Path out = config.out();
        Path splitFile = out.resolve("ImageSets").resolve("Segmentation").resolve(config.split() + ".txt");
        String classesText = String.join("\n", classes.names()) + "\n";
        checkClassesCompatible(out.resolve("classes.txt"), classesText);
        deleteIfExists(splitFile); // an interrupted re-import must not look finished
        createDirectories(out.resolve("JPEGImages"));
        AtomicFiles.writeString(out.resolve("classes.txt"), classesText);

        List<ImportProblem> problems = new ArrayList<>(contents.problems());
        Map<Long, List<CocoAnnotation>> byImage = contents.annotationsByImage();
        reportMissingImages(contents, problems);
        List<CocoImage> images = new ArrayList<>(contents.images());
        images.sort(Comparator.comparing(CocoImage::stem).thenComparingLong(CocoImage::id));

        List<CocoImage> work = new ArrayList<>();
        int skippedNoAnnotations = 0, skippedOther = 0;
        Set<Long> seenIds = new HashSet<>();
        Set<String> seenStems = new HashSet<>();
        Set<String> stemsInFile = new HashSet<>();
        for (CocoImage img : images) {
            String problem = imageProblem(img, seenIds, seenStems);
            if (problem != null) {
                problems.add(new ImportProblem(-1, img.id(), problem));
                skippedOther++;
            } else if (!byImage.containsKey(img.id())) {
                skippedNoAnnotations++;
            } else if (!Files.isRegularFile(config.images().resolve(img.fileName()))) {
                problems.add(new ImportProblem(-1, img.id(), "image file " + config.images().resolve(img.fileName())
                        + " is missing; skipped"));
                skippedOther++;
            } else {
                work.add(img);
            }
            stemsInFile.add(img.stem());
        }
        List<Outcome> outcomes = paintAll(work, byImage, classes);
        Map<String, int[]> written = new TreeMap<>();
        for (int i = 0; i < work.size(); i++) {
            Outcome o = outcomes.get(i);
            problems.addAll(o.problems());
            if (o.written()) {
                written.put(work.get(i).stem(), o.classes());
            } else {
                skippedOther++;
            }
        }
        writeImageLabels(out.resolve("image_labels.txt"), stemsInFile, written);
        CocoImportReport report = new CocoImportReport(contents.images().size(), written.size(),
                skippedNoAnnotations, skippedOther, contents.annotationCount(), classes.names().size(), splitFile,
                List.copyOf(problems));
        writeReportJson(out.resolve("coco_import_" + config.split() + ".json"), report);
        AtomicFiles.writeString(splitFile, String.join("\n", written.keySet()) + (written.isEmpty() ? "" : "\n"));
        return report;
    }

    private void validate() {
        if (!Files.isDirectory(config.images())) {
            throw new WeaktrException("--images: not a directory: " + config.images()
                    + " (expected the folder holding the COCO images, e.g. val2014/)");
        }
        if (!Files.isRegularFile(config.annotations())) {
            throw new WeaktrException("--annotations: no such file: " + config.annotations()
                    + " (expected a COCO instances_*.json)");
        }
        if (!SPLIT_NAME.matcher(config.split()).matches()) {
            throw new WeaktrException("--split: '" + config.split()
                    + "' is not a plain file name (letters, digits, '.', '_', '-')");
        }
        if (config.threads() < 1) {
            throw new WeaktrException("--threads: expected at least 1, got " + config.threads());
        }
    }

    /** A dataset folder holds one class list: refuse to mix a contiguous and a raw-id import. */
    private static void checkClassesCompatible(Path classesFile, String classesText) {
        if (!Files.isRegularFile(classesFile)) {
            return;
        }
        try {
            String existing = Files.readString(classesFile, StandardCharsets.UTF_8);
            if (!existing.equals(classesText)) {
                throw new WeaktrException("--out: " + classesFile + " already lists other classes than this import"
                        + " would write (different categories or --raw-ids setting); use another --out folder");
            }
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + classesFile + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new WeaktrException("--out: cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new WeaktrException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /** Annotations whose image_id is not in "images": one problem each, in file order. */
    private static void reportMissingImages(CocoJsonReader.Contents contents, List<ImportProblem> problems) {
        Set<Long> ids = new HashSet<>();
        for (CocoImage img : contents.images()) {
            ids.add(img.id());
        }
        List<CocoAnnotation> orphans = new ArrayList<>();
        for (Map.Entry<Long, List<CocoAnnotation>> e : contents.annotationsByImage().entrySet()) {
            if (!ids.contains(e.getKey())) {
                orphans.addAll(e.getValue());
            }
        }
        orphans.sort(Comparator.comparingInt(CocoAnnotation::order));
        for (CocoAnnotation a : orphans) {
            problems.add(new ImportProblem(a.id(), a.imageId(), "image id " + a.imageId()
                    + " is not in \"images\"; skipped"));
        }
    }

    /** Why an image cannot be imported, or null. Marks its id and stem as seen. */
    private String imageProblem(CocoImage img, Set<Long> seenIds, Set<String> seenStems) {
        String stem = img.stem();
        if (stem.isEmpty() || stem.startsWith(".") || HAS_SPACE.matcher(stem).find()) {
            return "file name '" + img.fileName() + "' gives no usable id (empty, hidden or with white space); skipped";
        }
        if (!seenIds.add(img.id())) {
            return "image id appears twice in \"images\"; the later entry (" + img.fileName() + ") skipped";
        }
        if (!seenStems.add(stem)) {
            return "file stem '" + stem + "' appears twice in \"images\"; the later entry skipped";
        }
        return null;
    }

    private List<Outcome> paintAll(List<CocoImage> work, Map<Long, List<CocoAnnotation>> byImage, ClassIndex classes) {
        return new dev.weaktr.data.importer.Parallel(config.threads())
                .map(work, img -> importImage(img, byImage.get(img.id()), classes), "painting", progress);
    }

    private Outcome importImage(CocoImage img, List<CocoAnnotation> anns, ClassIndex classes) {
        MaskPainter.Result r = MaskPainter.paint(img, anns, classes);
        if (r.map() == null) {
            List<ImportProblem> p = new ArrayList<>(r.problems());
            p.add(new ImportProblem(-1, img.id(), "no usable annotation; image skipped"));
            return new Outcome(false, r.classes(), p);
        }
        String stem = img.stem();
        LabelPng.write(config.out().resolve("SegmentationClass").resolve(stem + ".png"), r.map());
        placeImage(config.images().resolve(img.fileName()), config.out().resolve("JPEGImages").resolve(stem + ".jpg"));
        return new Outcome(true, r.classes(), r.problems());
    }

    /** Symlinks (default) or copies the image, atomically (temporary sibling + rename). */
    private void placeImage(Path source, Path target) {
        AtomicFiles.linkOrCopy(source, target, config.copy());
    }

    /**
     * image_labels.txt is shared by all splits of the folder: lines of ids this file does not hold
     * are kept, this file's ids are replaced by what was written now; lines sorted by id.
     */
    private static void writeImageLabels(Path file, Set<String> stemsInFile, Map<String, int[]> written) {
        TreeMap<String, String> lines = new TreeMap<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String id = line.strip().split("\\s+", 2)[0];
                    if (!id.isEmpty() && !stemsInFile.contains(id)) {
                        lines.put(id, line.strip());
                    }
                }
            } catch (IOException e) {
                throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, int[]> e : written.entrySet()) {
            StringBuilder sb = new StringBuilder(e.getKey());
            for (int c : e.getValue()) {
                sb.append(' ').append(c);
            }
            lines.put(e.getKey(), sb.toString());
        }
        StringBuilder text = new StringBuilder();
        for (String line : lines.values()) {
            text.append(line).append('\n');
        }
        AtomicFiles.writeString(file, text.toString());
    }

    /** The report as JSON: configuration, counts and every problem (deterministic, no time stamps). */
    private void writeReportJson(Path file, CocoImportReport report) {
        AtomicFiles.write(file, os -> {
            try (JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeStringField("annotations", config.annotations().toAbsolutePath().toString());
                g.writeStringField("images", config.images().toAbsolutePath().toString());
                g.writeStringField("split", config.split());
                g.writeStringField("class_index", config.rawIds() ? "raw-ids" : "contiguous");
                g.writeStringField("jpeg_images", config.copy() ? "copy" : "symlink");
                g.writeNumberField("images_in_file", report.imagesInFile());
                g.writeNumberField("images_written", report.imagesWritten());
                g.writeNumberField("skipped_no_annotations", report.skippedNoAnnotations());
                g.writeNumberField("skipped_other", report.skippedOther());
                g.writeNumberField("annotations_read", report.annotationsRead());
                g.writeArrayFieldStart("problems");
                for (ImportProblem p : report.problems()) {
                    g.writeStartObject();
                    if (p.annotationId() >= 0) {
                        g.writeNumberField("annotation_id", p.annotationId());
                    }
                    if (p.imageId() >= 0) {
                        g.writeNumberField("image_id", p.imageId());
                    }
                    g.writeStringField("message", p.message());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        });
    }
}
