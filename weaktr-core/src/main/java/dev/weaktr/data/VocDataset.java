package dev.weaktr.data;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.LabelPng.LabelMap;
import dev.weaktr.io.RgbImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One split of a dataset in the generalised PASCAL VOC 2012 layout:
 *
 * <pre>
 * ROOT/JPEGImages/&lt;id&gt;.jpg                 images
 * ROOT/SegmentationClass/&lt;id&gt;.png          masks: indexed PNG, pixel = class index, 255 = ignore
 * ROOT/SegmentationClassAug/&lt;id&gt;.png       (optional, VOC's augmented masks; preferred when present)
 * ROOT/ImageSets/Segmentation/&lt;split&gt;.txt  one id per line (train_aug.txt / trainaug.txt accepted)
 * ROOT/classes.txt                        (optional) class names, background first; default = VOC's 21
 * ROOT/image_labels.txt                   (optional) weak labels: "&lt;id&gt; &lt;class index&gt; ..." (1..C)
 * </pre>
 *
 * <p>Training needs only images and weak labels. When {@code image_labels.txt} is absent the labels
 * are derived from the masks (classes present, 0 and 255 excluded) and {@link #notices()} says so.
 * Instances are immutable apart from a thread-safe cache of derived labels.
 */
public final class VocDataset {
    public static final String IMAGES = "JPEGImages";
    public static final String MASKS = "SegmentationClass";
    public static final String MASKS_AUG = "SegmentationClassAug";
    public static final String SPLITS = "ImageSets/Segmentation";
    public static final String CLASSES_FILE = "classes.txt";
    public static final String LABELS_FILE = "image_labels.txt";

    private final Path root;
    private final String split;
    private final List<String> ids;
    private final Set<String> idSet;
    private final ClassList classes;
    private final Map<String, boolean[]> labelsFromFile; // null when derived from masks
    private final Map<String, boolean[]> derived = new ConcurrentHashMap<>();
    private final List<String> notices;

    private VocDataset(Path root, String split, List<String> ids, ClassList classes,
            Map<String, boolean[]> labelsFromFile, List<String> notices) {
        this.root = root;
        this.split = split;
        this.ids = List.copyOf(ids);
        this.idSet = Set.copyOf(ids);
        this.classes = classes;
        this.labelsFromFile = labelsFromFile;
        this.notices = List.copyOf(notices);
    }

    /** A held split a trainer scores itself on, and the ids it scores. */
    public record Held(VocDataset data, List<String> ids) {}

    /**
     * Opens {@code --val-split}: it must have the training {@code classes} and a mask for each of its first
     * {@code maxImages} images; {@code whyMasks} ends the error for an image without one.
     */
    public static Held openHeld(Path root, String split, int maxImages, List<String> classes, String whyMasks) {
        VocDataset data = open(root, split);
        if (!data.classes().names().equals(classes)) {
            throw new WeaktrException("--val-split " + split + ": its classes " + data.classes().names()
                    + " differ from the training classes " + classes);
        }
        List<String> ids = data.ids().subList(0, Math.min(maxImages, data.size()));
        for (String id : ids) {
            if (data.maskPath(id).isEmpty()) {
                throw new WeaktrException("--val-split " + split + ": image '" + id + "' has no mask; " + whyMasks);
            }
        }
        return new Held(data, ids);
    }

    /** Opens split {@code split} of the dataset at {@code root}; checks the layout and the weak labels. */
    public static VocDataset open(Path root, String split) {
        return open(root, split, true);
    }

    /**
     * Opens the index of a split (its ids, classes and weak labels) without checking that its images are under
     * {@code root}: for datasets whose images live elsewhere (weaktr-spark stages only these small files from a
     * cluster file system; each image is checked when an executor reads it).
     */
    public static VocDataset openIndex(Path root, String split) {
        return open(root, split, false);
    }

    private static VocDataset open(Path root, String split, boolean checkImages) {
        if (!Files.isDirectory(root)) {
            throw new WeaktrException("dataset folder not found: " + root
                    + " (expected a PASCAL VOC style folder with JPEGImages/ and ImageSets/Segmentation/)");
        }
        Path images = root.resolve(IMAGES);
        if (checkImages && !Files.isDirectory(images)) {
            throw new WeaktrException("dataset " + root + " has no " + IMAGES + "/ folder (expected " + images + ")");
        }
        List<String> ids = readSplit(root, split);
        for (String id : checkImages ? ids : List.<String>of()) {
            if (!Files.isRegularFile(images.resolve(id + ".jpg"))) {
                throw new WeaktrException("split " + split + " lists image '" + id + "' but "
                        + images.resolve(id + ".jpg") + " does not exist");
            }
        }
        Path classFile = root.resolve(CLASSES_FILE);
        ClassList classes = Files.isRegularFile(classFile) ? ClassList.read(classFile) : ClassList.voc();
        Path labelFile = root.resolve(LABELS_FILE);
        List<String> notices = new ArrayList<>();
        Map<String, boolean[]> labels = null;
        if (Files.isRegularFile(labelFile)) {
            labels = readLabels(labelFile, classes, ids);
        } else {
            notices.add("no " + LABELS_FILE + " in " + root + ": image-level labels are derived from the masks in "
                    + (Files.isDirectory(root.resolve(MASKS_AUG)) ? MASKS_AUG : MASKS)
                    + " (classes present, background and 255 excluded)");
        }
        return new VocDataset(root, split, ids, classes, labels, notices);
    }

    /** Split file for {@code split}; VOC's augmented split may be called train_aug or trainaug. */
    private static List<String> readSplit(Path root, String split) {
        Path dir = root.resolve(SPLITS);
        List<String> candidates = new ArrayList<>(List.of(split));
        if (split.equals("train_aug") || split.equals("trainaug")) {
            candidates = List.of("train_aug", "trainaug");
        }
        for (String name : candidates) {
            Path file = dir.resolve(name + ".txt");
            if (Files.isRegularFile(file)) {
                return parseSplit(file);
            }
        }
        throw new WeaktrException("split '" + split + "' not found: expected " + dir.resolve(split + ".txt")
                + "; available splits: " + availableSplits(dir));
    }

    private static String availableSplits(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "none (" + dir + " does not exist)";
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .toList();
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * One id per line. Lines of the form "/JPEGImages/x.jpg /SegmentationClassAug/x.png" (as some VOC
     * augmented lists have) give the file stem of their first path.
     */
    private static List<String> parseSplit(Path file) {
        Set<String> ids = new LinkedHashSet<>();
        for (String line : readLines(file)) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            String first = s.split("\\s+")[0];
            String name = first.substring(first.lastIndexOf('/') + 1);
            int dot = name.lastIndexOf('.');
            ids.add(first.contains("/") && dot > 0 ? name.substring(0, dot) : name);
        }
        if (ids.isEmpty()) {
            throw new WeaktrException("split file " + file + " lists no images");
        }
        return new ArrayList<>(ids);
    }

    /** Parses image_labels.txt; every id of the split must have a line. */
    private static Map<String, boolean[]> readLabels(Path file, ClassList classes, List<String> ids) {
        Map<String, boolean[]> labels = new HashMap<>();
        int c = classes.numForeground();
        List<String> lines = readLines(file);
        for (int n = 0; n < lines.size(); n++) {
            String[] tok = lines.get(n).strip().split("\\s+");
            if (tok[0].isEmpty()) {
                continue;
            }
            boolean[] hot = new boolean[c];
            for (int t = 1; t < tok.length; t++) {
                int k = parseIndex(tok[t], file, n + 1);
                if (k < 1 || k > c) {
                    throw new WeaktrException(file + " line " + (n + 1) + ": class index " + k
                            + " out of range; expected 1.." + c + " (foreground classes of " + classes.size()
                            + " classes, background = 0 is not listed)");
                }
                hot[k - 1] = true;
            }
            if (labels.put(tok[0], hot) != null) {
                throw new WeaktrException(file + " line " + (n + 1) + ": image '" + tok[0] + "' is listed twice");
            }
        }
        for (String id : ids) {
            if (!labels.containsKey(id)) {
                throw new WeaktrException(file + " has no line for image '" + id
                        + "' (expected '<id> <class index> ...'; a line with only the id = no foreground class)");
            }
        }
        return labels;
    }

    private static int parseIndex(String tok, Path file, int line) {
        try {
            return Integer.parseInt(tok);
        } catch (NumberFormatException e) {
            throw new WeaktrException(file + " line " + line + ": '" + tok + "' is not a class index");
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public String split() {
        return split;
    }

    /** Image ids of the split, in file order, without duplicates. */
    public List<String> ids() {
        return ids;
    }

    public int size() {
        return ids.size();
    }

    public ClassList classes() {
        return classes;
    }

    /** Messages for the user (e.g. labels derived from masks); each is given once, at open. */
    public List<String> notices() {
        return notices;
    }

    /** True when the weak labels come from image_labels.txt, false when derived from the masks. */
    public boolean hasLabelFile() {
        return labelsFromFile != null;
    }

    /**
     * Weak labels of {@code id}: multi-hot over the C foreground classes, {@code [C]}, element k =
     * class k+1 is present. Returns a fresh copy.
     */
    public boolean[] labels(String id) {
        if (!idSet.contains(id)) {
            throw new WeaktrException("image '" + id + "' is not in split " + split + " of " + root);
        }
        boolean[] hot = labelsFromFile != null ? labelsFromFile.get(id) : derived.computeIfAbsent(id, this::derive);
        return hot.clone();
    }

    /** The same labels as class indices 1..C, ascending. */
    public int[] labelIndices(String id) {
        boolean[] hot = labels(id);
        int n = 0;
        for (boolean b : hot) {
            n += b ? 1 : 0;
        }
        int[] out = new int[n];
        for (int k = 0, j = 0; k < hot.length; k++) {
            if (hot[k]) {
                out[j++] = k + 1;
            }
        }
        return out;
    }

    private boolean[] derive(String id) {
        Path mask = maskPath(id).orElseThrow(() -> new WeaktrException("no " + LABELS_FILE + " in " + root
                + " and no mask for image '" + id + "' (looked for " + root.resolve(MASKS).resolve(id + ".png")
                + "): cannot derive its labels"));
        LabelMap map = readValidMask(mask);
        boolean[] hot = new boolean[classes.numForeground()];
        for (byte b : map.labels()) {
            int v = b & 0xff;
            if (v != 0 && v != LabelPng.IGNORE) {
                hot[v - 1] = true;
            }
        }
        return hot;
    }

    public Path imagePath(String id) {
        return root.resolve(IMAGES).resolve(id + ".jpg");
    }

    /** The mask of {@code id}: SegmentationClassAug/ first, then SegmentationClass/; empty if neither has it. */
    public Optional<Path> maskPath(String id) {
        for (String dir : List.of(MASKS_AUG, MASKS)) {
            Path p = root.resolve(dir).resolve(id + ".png");
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public RgbImage readImage(String id) {
        return ImageFiles.readRgb(imagePath(id));
    }

    /**
     * The mask of {@code id}, {@code [H, W]} row-major; values are class indices (0..C) or 255. Checks
     * that it has the image's size and no value outside 0..C or 255.
     */
    public LabelMap readMask(String id) {
        Path mask = maskPath(id).orElseThrow(() -> new WeaktrException("no mask for image '" + id + "': expected "
                + root.resolve(MASKS).resolve(id + ".png")));
        LabelMap map = readValidMask(mask);
        int[] size = imageSize(imagePath(id));
        if (size[0] != map.width() || size[1] != map.height()) {
            throw new WeaktrException("mask " + mask + " is " + map.width() + "x" + map.height() + " but its image "
                    + imagePath(id) + " is " + size[0] + "x" + size[1] + "; expected the same size");
        }
        return map;
    }

    private LabelMap readValidMask(Path mask) {
        LabelMap map = LabelPng.read(mask);
        int c = classes.numForeground();
        for (byte b : map.labels()) {
            int v = b & 0xff;
            if (v > c && v != LabelPng.IGNORE) {
                throw new WeaktrException("mask " + mask + " has pixel value " + v + "; expected a class index 0.."
                        + c + " (" + classes.size() + " classes) or 255 = ignore");
            }
        }
        return map;
    }

    /** Width and height as displayed (EXIF orientation applied), from the header, without decoding the pixels. */
    static int[] imageSize(Path file) {
        return ImageFiles.displaySize(file);
    }
}
