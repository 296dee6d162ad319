package dev.weaktr.data.importer;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.check.Advice;
import dev.weaktr.data.coco.ImportProgress;
import dev.weaktr.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code weaktr dataset import}: tagged images (a tags file, or a folder per class) → weaktr's dataset
 * layout ({@link VocDataset}): {@code JPEGImages/<id>.jpg} (symlink or copy; the content keeps its format,
 * decoders sniff it), {@code SegmentationClass/<id>.png} (only with {@code --masks}), {@code classes.txt},
 * {@code image_labels.txt}, {@code sources.tsv} (id → original file), then {@code val.txt} and last
 * {@code train.txt} in {@code ImageSets/Segmentation/}.
 *
 * <p>Everything is read and checked before anything is written, so bad input leaves no folder behind.
 * No image is decoded: the import works on paths and, for {@code --folders}, content hashes.
 */
public final class DatasetImporter {
    private final ImportConfig config;
    private final ImportProgress progress;
    private final Parallel parallel;

    private DatasetImporter(ImportConfig config, ImportProgress progress) {
        this.config = config;
        this.progress = progress;
        this.parallel = new Parallel(config.threads());
    }

    public static ImportSummary run(ImportConfig config, ImportProgress progress) {
        return new DatasetImporter(config, progress).run();
    }

    /** One image to import: where it is, its id, classes and mask. */
    private record Item(Path source, String id, int[] classes, Path mask) {}

    private ImportSummary run() {
        validate();
        List<String> notes = new ArrayList<>();
        List<TagRow> rows = readRows(notes);
        ClassOrder order = config.classes() != null ? ClassOrder.fromFile(config.classes()) : ClassOrder.byFirstAppearance();
        List<int[]> labels = new ArrayList<>(rows.size());
        for (TagRow r : rows) {
            labels.add(indices(r, order));
        }
        String source = config.folders() ? "--images " + config.images() : config.tags().toString();
        ClassList classes = order.classList(source);
        List<Item> items = items(rows, labels);
        StratifiedSplit.Result split = StratifiedSplit.split(labels, classes.numForeground(), config.valFraction(), config.seed());
        if (split.train().isEmpty()) {
            throw new WeaktrException("--val-fraction " + config.valFraction() + " leaves no training image of "
                    + rows.size() + "; lower it");
        }
        if (split.val().isEmpty() && config.valFraction() > 0) {
            notes.add("--val-fraction " + config.valFraction() + " of " + rows.size() + " images rounds to 0: no val.txt written");
        }
        write(items, classes, split);
        return summary(classes, items, split, notes);
    }

    private void validate() {
        if (!Files.isDirectory(config.images())) {
            throw new WeaktrException("--images: not a directory: " + config.images());
        }
        if (isEmptyDir(config.images())) {
            throw new WeaktrException("--images: the folder " + config.images() + " is empty");
        }
        if (!(config.valFraction() >= 0 && config.valFraction() < 1)) {
            throw new WeaktrException("--val-fraction: expected a share in [0, 1), got " + config.valFraction());
        }
        if (config.masks() != null && !Files.isDirectory(config.masks())) {
            throw new WeaktrException("--masks: not a directory: " + config.masks());
        }
        if (config.classes() != null && !Files.isRegularFile(config.classes())) {
            throw new WeaktrException("--classes: no such file: " + config.classes());
        }
        if (Files.exists(config.out()) && !(Files.isDirectory(config.out()) && isEmptyDir(config.out()))) {
            throw new WeaktrException("--out: " + config.out() + " already exists and is not an empty folder; remove it"
                    + " or choose another --out (an import always writes a complete new dataset)");
        }
    }

    private static boolean isEmptyDir(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new WeaktrException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<TagRow> readRows(List<String> notes) {
        if (config.folders()) {
            FolderScan.Result r = FolderScan.scan(config.images(), config.negatives(), parallel, progress);
            notes.addAll(r.notes());
            return r.rows();
        }
        List<TagRow> rows = TagsFile.read(config.tags());
        checkRows(rows);
        return rows;
    }

    /** Every listed image exists, and none is listed twice. */
    private void checkRows(List<TagRow> rows) {
        Map<Path, String> seen = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (TagRow r : rows) {
            Path file = config.images().resolve(r.image()).normalize();
            String before = seen.putIfAbsent(file, r.origin());
            if (before != null) {
                throw new WeaktrException(r.origin() + ": image '" + r.image() + "' is already listed at " + before
                        + "; give each image one line, with all its classes separated by ';'");
            }
            if (!Files.isRegularFile(file)) {
                missing.add(r.origin() + ": image '" + r.image() + "' not found (expected " + file + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new WeaktrException(missing.get(0) + (missing.size() == 1 ? "" : "; " + (missing.size() - 1)
                    + " more missing, e.g. " + String.join("; ", missing.subList(1, Math.min(4, missing.size())))
                    + "; image paths are relative to --images " + config.images()));
        }
    }

    private static int[] indices(TagRow r, ClassOrder order) {
        TreeSet<Integer> k = new TreeSet<>();
        for (String name : r.labels()) {
            k.add(order.indexOf(name, r.origin()));
        }
        return k.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<Item> items(List<TagRow> rows, List<int[]> labels) {
        IdNamer namer = new IdNamer();
        List<Item> items = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            TagRow r = rows.get(i);
            items.add(new Item(config.images().resolve(r.image()), namer.idFor(r.image()), labels.get(i), maskOf(r.image())));
        }
        return items;
    }

    /** MASKS/&lt;relative path&gt;.png, else MASKS/&lt;stem&gt;.png; null without --masks or when neither exists. */
    private Path maskOf(String image) {
        if (config.masks() == null) {
            return null;
        }
        String rel = image.replace('\\', '/');
        int slash = rel.lastIndexOf('/');
        String dir = slash >= 0 ? rel.substring(0, slash + 1) : "";
        String stem = IdNamer.stem(rel);
        for (String candidate : List.of(dir + stem + ".png", stem + ".png")) {
            Path p = config.masks().resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private void write(List<Item> items, ClassList classes, StratifiedSplit.Result split) {
        Path out = config.out();
        Path images = out.resolve(VocDataset.IMAGES), masks = out.resolve(VocDataset.MASKS);
        createDirectories(images);
        parallel.map(items, it -> {
            place(it.source(), images.resolve(it.id() + ".jpg"));
            if (it.mask() != null) {
                place(it.mask(), masks.resolve(it.id() + ".png"));
            }
            return Boolean.TRUE;
        }, config.copy() ? "copying" : "linking", progress);
        classes.write(out.resolve(VocDataset.CLASSES_FILE));
        StringBuilder labels = new StringBuilder(), sources = new StringBuilder();
        for (Item it : items) {
            labels.append(it.id());
            for (int k : it.classes()) {
                labels.append(' ').append(k);
            }
            labels.append('\n');
            sources.append(it.id()).append('\t').append(it.source().toAbsolutePath()).append('\n');
        }
        AtomicFiles.writeString(out.resolve(VocDataset.LABELS_FILE), labels.toString());
        AtomicFiles.writeString(out.resolve("sources.tsv"), sources.toString());
        Path lists = out.resolve(VocDataset.SPLITS);
        if (!split.val().isEmpty()) {
            AtomicFiles.writeString(lists.resolve("val.txt"), idList(items, split.val()));
        }
        AtomicFiles.writeString(lists.resolve("train.txt"), idList(items, split.train()));
    }

    private static String idList(List<Item> items, List<Integer> positions) {
        StringBuilder s = new StringBuilder();
        for (int i : positions) {
            s.append(items.get(i).id()).append('\n');
        }
        return s.toString();
    }

    /** Symlinks (default) or copies a file, atomically (temporary sibling + rename). */
    private void place(Path source, Path target) {
        AtomicFiles.linkOrCopy(source, target, config.copy());
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new WeaktrException("--out: cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ImportSummary summary(ClassList classes, List<Item> items, StratifiedSplit.Result split,
            List<String> notes) {
        int[] perClass = new int[classes.numForeground()];
        int negatives = 0, multi = 0, masks = 0;
        for (Item it : items) {
            for (int k : it.classes()) {
                perClass[k - 1]++;
            }
            negatives += it.classes().length == 0 ? 1 : 0;
            multi += it.classes().length > 1 ? 1 : 0;
            masks += it.mask() != null ? 1 : 0;
        }
        List<String> warnings = new ArrayList<>();
        Advice.singleClassWithoutNegatives(classes.name(1), classes.numForeground(), negatives).ifPresent(warnings::add);
        for (int k = 0; k < perClass.length; k++) {
            if (perClass[k] == 0) {
                warnings.add("class '" + classes.name(k + 1) + "' (from --classes) has no image");
            }
        }
        return new ImportSummary(classes, items.size(), perClass, negatives, multi, split.train().size(),
                split.val().size(), masks, List.copyOf(notes), warnings);
    }
}
