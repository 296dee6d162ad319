package dev.weaktr.data.importer;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.coco.ImportProgress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code DIR/<class name>/<image>}: one folder per class; an image whose content (SHA-256) is in
 * several class folders is one multi-label image; the folder named like {@code negatives} (any case)
 * holds images of none of the classes. Folders are visited in name order, files in name order, so the
 * first appearance of an image and the class order are deterministic.
 */
final class FolderScan {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private FolderScan() {}

    /** The images found, one row each (image = path of its first copy relative to DIR), and notes. */
    record Result(List<TagRow> rows, List<String> notes) {}

    private record Found(Path file, String folder) {}

    static Result scan(Path dir, String negatives, Parallel parallel, ImportProgress progress) {
        List<String> notes = new ArrayList<>();
        List<Found> found = new ArrayList<>();
        int loose = 0, other = 0;
        for (Path entry : sortedList(dir)) {
            if (Files.isDirectory(entry)) {
                String folder = entry.getFileName().toString();
                for (Path f : sortedList(entry)) {
                    if (isImage(f)) {
                        found.add(new Found(f, folder));
                    } else {
                        other++;
                    }
                }
            } else if (!entry.getFileName().toString().startsWith(".")) {
                loose++;
            }
        }
        if (loose > 0) {
            notes.add(loose + " file(s) directly in " + dir + " ignored: with --folders every image must be in a class"
                    + " folder, or in '" + negatives + "/' for images of none of the classes");
        }
        if (other > 0) {
            notes.add(other + " file(s) or folder(s) in the class folders ignored (not .jpg/.jpeg/.png/.bmp/.gif)");
        }
        if (found.isEmpty()) {
            throw new WeaktrException("--images " + dir + ": no images found in class folders (expected DIR/<class>/*.jpg,"
                    + " and DIR/" + negatives + "/*.jpg for images of none of the classes)");
        }
        List<String> hashes = parallel.map(found, f -> sha256(f.file()), "hashing", progress);
        return new Result(group(dir, found, hashes, negatives, notes), notes);
    }

    /** Groups equal contents; a copy in the negatives folder and in a class folder is a contradiction. */
    private static List<TagRow> group(Path dir, List<Found> found, List<String> hashes, String negatives,
            List<String> notes) {
        Map<String, Integer> groupOf = new HashMap<>();
        List<Found> firstCopy = new ArrayList<>();
        List<Set<String>> folders = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < found.size(); i++) {
            Integer g = groupOf.putIfAbsent(hashes.get(i), firstCopy.size());
            if (g == null) {
                firstCopy.add(found.get(i));
                folders.add(new LinkedHashSet<>(List.of(found.get(i).folder())));
            } else if (!folders.get(g).add(found.get(i).folder())) {
                duplicates++;
            }
        }
        if (duplicates > 0) {
            notes.add(duplicates + " duplicate file(s) (same content in the same folder) imported once");
        }
        List<TagRow> rows = new ArrayList<>();
        for (int g = 0; g < firstCopy.size(); g++) {
            Found f = firstCopy.get(g);
            List<String> labels = new ArrayList<>();
            boolean negative = false;
            for (String folder : folders.get(g)) {
                if (folder.toLowerCase(Locale.ROOT).equals(negatives.toLowerCase(Locale.ROOT))) {
                    negative = true;
                } else {
                    labels.add(folder);
                }
            }
            String rel = dir.relativize(f.file()).toString();
            if (negative && !labels.isEmpty()) {
                throw new WeaktrException("--folders: " + rel + " has the same content as an image in '" + negatives
                        + "/' (negatives) and in " + labels + "; an image cannot be both: remove one copy");
            }
            rows.add(new TagRow(rel, List.copyOf(labels), dir.resolve(rel).toString()));
        }
        return rows;
    }

    private static boolean isImage(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(f) && !name.startsWith(".") && dot > 0
                && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> sortedList(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new WeaktrException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
