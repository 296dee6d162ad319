package dev.weaktr.data.check;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.data.VocDataset;
import dev.weaktr.data.coco.ImportProgress;
import dev.weaktr.data.importer.Parallel;
import dev.weaktr.io.LabelPng;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code weaktr dataset check}: reads a dataset in weaktr's layout once — lists, labels, every image
 * (header and full decode) and every mask — and reports each problem with what weaktr does about it.
 * Tolerant where {@link VocDataset} stops at the first fault: it finds them all.
 */
public final class DatasetChecker {
    private final Path root;
    private final Parallel parallel;
    private final ImportProgress progress;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> reportedLabels = new java.util.HashSet<>();

    private DatasetChecker(Path root, int threads, ImportProgress progress) {
        this.root = root;
        this.parallel = new Parallel(threads);
        this.progress = progress;
    }

    /**
     * Checks split {@code split}, or every split of the dataset when null.
     *
     * @throws WeaktrException only when {@code root} is not a folder
     */
    public static CheckReport check(Path root, String split, int threads, ImportProgress progress) {
        if (!Files.isDirectory(root)) {
            throw new WeaktrException("--data: dataset folder not found: " + root);
        }
        return new DatasetChecker(root, threads, progress).run(split);
    }

    /**
     * The check training runs on start: prints the warnings, refuses (a {@link WeaktrException} with the
     * report's first lines) when there are errors.
     */
    public static void requireTrainable(Path root, String split, PrintStream console) {
        CheckReport r = check(root, split, Runtime.getRuntime().availableProcessors(), ImportProgress.NONE);
        List<String> head = r.headline();
        if (r.hasErrors()) {
            throw new WeaktrException(String.join("\n", head) + "\nfull report: weaktr dataset check --data " + root
                    + " --split " + split);
        }
        head.subList(1, head.size()).forEach(console::println);
    }

    private CheckReport run(String split) {
        Path lists = root.resolve(VocDataset.SPLITS);
        if (!Files.isDirectory(root.resolve(VocDataset.IMAGES))) {
            add(Problem.LAYOUT, root.toString(), "no " + VocDataset.IMAGES + "/ folder");
        }
        Map<String, List<String>> splits = readSplits(lists, split);
        ClassList classes = readClasses();
        if (classes == null || splits.isEmpty()) {
            return new CheckReport(root, classes, findings, List.of());
        }
        Map<String, int[]> labels = readLabels(classes);
        Set<String> ids = new LinkedHashSet<>();
        splits.values().forEach(ids::addAll);
        Map<String, int[]> fromMasks = checkImages(new ArrayList<>(ids), classes, labels == null);
        Map<String, int[]> effective = labels != null ? labels : fromMasks;
        List<SplitStats> stats = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : splits.entrySet()) {
            stats.add(stats(e.getKey(), e.getValue(), effective, classes, labels != null));
        }
        classFindings(classes, stats);
        return new CheckReport(root, classes, findings, stats);
    }

    private void add(Problem p, String subject, String detail) {
        findings.add(new Finding(p, subject, detail));
    }

    /** Split name → ids, in file order without duplicates; duplicates and overlaps are reported. */
    private Map<String, List<String>> readSplits(Path lists, String split) {
        List<Path> files = new ArrayList<>();
        if (split != null) {
            // VOC's augmented split may be called train_aug or trainaug, as VocDataset accepts
            List<String> names = split.equals("train_aug") || split.equals("trainaug")
                    ? List.of("train_aug", "trainaug") : List.of(split);
            names.stream().map(n -> lists.resolve(n + ".txt")).filter(Files::isRegularFile).findFirst()
                    .ifPresentOrElse(files::add,
                            () -> add(Problem.LAYOUT, lists.resolve(split + ".txt").toString(), "split '" + split + "' not found"));
        } else if (Files.isDirectory(lists)) {
            try (Stream<Path> s = Files.list(lists)) {
                s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().forEach(files::add);
            } catch (IOException e) {
                add(Problem.LAYOUT, lists.toString(), "cannot list: " + e.getMessage());
            }
        }
        if (files.isEmpty() && split == null) {
            add(Problem.LAYOUT, lists.toString(), "no split file (expected train.txt, val.txt ...)");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        Map<String, String> splitOf = new HashMap<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceFirst("\\.txt$", "");
            List<String> ids = readSplitFile(f, name, splitOf);
            if (ids.isEmpty()) {
                add(Problem.LAYOUT, f.toString(), "lists no image");
            } else {
                out.put(name, ids);
            }
        }
        return out;
    }

    private List<String> readSplitFile(Path f, String name, Map<String, String> splitOf) {
        Set<String> ids = new LinkedHashSet<>();
        List<String> lines = lines(f);
        for (int n = 0; n < lines.size(); n++) {
            String s = lines.get(n).strip();
            if (s.isEmpty()) {
                continue;
            }
            String first = s.split("\\s+")[0];
            String fileName = first.substring(first.lastIndexOf('/') + 1);
            int dot = fileName.lastIndexOf('.');
            String id = first.contains("/") && dot > 0 ? fileName.substring(0, dot) : fileName;
            if (!ids.add(id)) {
                add(Problem.DUPLICATE_IN_SPLIT, name + ".txt line " + (n + 1), "'" + id + "' listed again");
                continue;
            }
            String other = splitOf.putIfAbsent(id, name);
            if (other != null) {
                add(Problem.IN_SEVERAL_SPLITS, id, "in " + other + " and " + name);
            }
        }
        return new ArrayList<>(ids);
    }

    private ClassList readClasses() {
        Path file = root.resolve(VocDataset.CLASSES_FILE);
        if (!Files.isRegularFile(file)) {
            return ClassList.voc();
        }
        try {
            return ClassList.read(file);
        } catch (WeaktrException e) {
            add(Problem.LAYOUT, file.toString(), e.getMessage());
            return null;
        }
    }

    /** image_labels.txt as id → class indices, or null when absent (labels then come from the masks). */
    private Map<String, int[]> readLabels(ClassList classes) {
        Path file = root.resolve(VocDataset.LABELS_FILE);
        if (!Files.isRegularFile(file)) {
            add(Problem.LABELS_FROM_MASKS, file.toString(), "absent");
            return null;
        }
        Map<String, int[]> labels = new HashMap<>();
        Map<String, Integer> nameIndex = new HashMap<>();
        for (int k = 1; k < classes.size(); k++) {
            nameIndex.put(classes.name(k), k);
        }
        List<String> lines = lines(file);
        int c = classes.numForeground();
        for (int n = 0; n < lines.size(); n++) {
            String[] tok = lines.get(n).strip().split("\\s+");
            if (tok[0].isEmpty()) {
                continue;
            }
            String where = VocDataset.LABELS_FILE + " line " + (n + 1);
            TreeSet<Integer> hot = new TreeSet<>();
            for (int t = 1; t < tok.length; t++) {
                Integer k = parseIndex(tok[t]);
                if (k == null) {
                    Integer known = nameIndex.get(tok[t]);
                    add(Problem.UNKNOWN_CLASS_NAME, where, "'" + tok[t] + "'" + (known != null
                            ? " is a class name; write its index " + known : " is neither a class index nor a class of "
                            + VocDataset.CLASSES_FILE));
                } else if (k < 1 || k > c) {
                    add(Problem.LABEL_OUT_OF_RANGE, where, "class index " + k + ", expected 1.." + c);
                } else {
                    hot.add(k);
                }
            }
            if (labels.putIfAbsent(tok[0], hot.stream().mapToInt(Integer::intValue).toArray()) != null) {
                add(Problem.DUPLICATE_LABEL_LINE, where, "'" + tok[0] + "' has an earlier line");
            }
        }
        return labels;
    }

    private static Integer parseIndex(String tok) {
        try {
            return Integer.parseInt(tok);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What one image and its mask gave: findings, and the mask's classes (null without a readable mask). */
    private record ImageResult(List<Finding> findings, int[] maskClasses) {}

    /** Decodes every image and mask on the worker threads; returns labels derived from the masks. */
    private Map<String, int[]> checkImages(List<String> ids, ClassList classes, boolean needMaskLabels) {
        Path images = root.resolve(VocDataset.IMAGES);
        List<ImageResult> results = parallel.map(ids, id -> checkImage(id, images.resolve(id + ".jpg"), classes),
                "checking images", progress);
        Map<String, int[]> fromMasks = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            ImageResult r = results.get(i);
            findings.addAll(r.findings());
            if (r.maskClasses() != null) {
                fromMasks.put(ids.get(i), r.maskClasses());
            } else if (needMaskLabels) {
                add(Problem.NO_LABEL_LINE, ids.get(i), "no " + VocDataset.LABELS_FILE + " and no readable mask");
            }
        }
        return fromMasks;
    }

    private ImageResult checkImage(String id, Path file, ClassList classes) {
        ImageFacts facts = ImageFacts.inspect(id, file);
        List<Finding> out = new ArrayList<>(facts.findings());
        Optional<Path> mask = maskPath(id);
        if (mask.isEmpty()) {
            return new ImageResult(out, null);
        }
        LabelPng.LabelMap map;
        try {
            map = LabelPng.read(mask.get());
        } catch (WeaktrException e) {
            out.add(new Finding(Problem.MASK_UNREADABLE, id, e.getMessage()));
            return new ImageResult(out, null);
        }
        if (facts.width() > 0 && (map.width() != facts.width() || map.height() != facts.height())) {
            out.add(new Finding(Problem.MASK_SIZE, id, "mask " + map.width() + "x" + map.height() + ", image "
                    + facts.width() + "x" + facts.height() + " as displayed"));
        }
        TreeSet<Integer> present = new TreeSet<>(), bad = new TreeSet<>();
        for (byte b : map.labels()) {
            int v = b & 0xFF;
            if (v > classes.numForeground() && v != LabelPng.IGNORE) {
                bad.add(v);
            } else if (v != 0 && v != LabelPng.IGNORE) {
                present.add(v);
            }
        }
        if (!bad.isEmpty()) {
            out.add(new Finding(Problem.MASK_VALUES, id, "values " + bad + " (expected 0.." + classes.numForeground()
                    + " or 255)"));
        }
        return new ImageResult(out, present.stream().mapToInt(Integer::intValue).toArray());
    }

    private Optional<Path> maskPath(String id) {
        for (String dir : List.of(VocDataset.MASKS_AUG, VocDataset.MASKS)) {
            Path p = root.resolve(dir).resolve(id + ".png");
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private SplitStats stats(String split, List<String> ids, Map<String, int[]> labels, ClassList classes,
            boolean fromFile) {
        int[] perClass = new int[classes.numForeground()];
        int negatives = 0, multi = 0;
        for (String id : ids) {
            int[] l = labels.get(id);
            boolean first = reportedLabels.add(id); // an id in several splits is reported once
            if (l == null) {
                if (fromFile && first) {
                    add(Problem.NO_LABEL_LINE, id, "in " + split + " but not in " + VocDataset.LABELS_FILE);
                }
                continue;
            }
            for (int k : l) {
                perClass[k - 1]++;
            }
            if (l.length == 0) {
                negatives++;
                if (first) {
                    add(Problem.NEGATIVE_IMAGE, id, "no class");
                }
            }
            multi += l.length > 1 ? 1 : 0;
        }
        return new SplitStats(split, ids.size(), negatives, multi, perClass);
    }

    /** Dataset-wide class findings: a single class without negatives, classes no image has. */
    private void classFindings(ClassList classes, List<SplitStats> stats) {
        int negatives = 0;
        int[] total = new int[classes.numForeground()];
        for (SplitStats s : stats) {
            negatives += s.negatives();
            for (int k = 0; k < total.length; k++) {
                total[k] += s.perClass()[k];
            }
        }
        Advice.singleClassWithoutNegatives(classes.name(1), classes.numForeground(), negatives)
                .ifPresent(w -> add(Problem.SINGLE_CLASS_NO_NEGATIVES, "class '" + classes.name(1) + "'", w));
        for (int k = 0; k < total.length; k++) {
            if (total[k] == 0) {
                add(Problem.CLASS_WITHOUT_IMAGES, "class " + (k + 1) + " '" + classes.name(k + 1) + "'",
                        "no image of the checked split(s) has it");
            }
        }
    }

    private List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
