package dev.weaktr.data;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The class names of a dataset, background first: index 0 is background, indices 1..C are the C
 * foreground classes (the model has one class token per foreground class).
 */
public final class ClassList {
    private static final List<String> VOC = List.of(
            "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
            "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
            "tvmonitor");

    private final List<String> names;

    private ClassList(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** The 21 PASCAL VOC 2012 classes. */
    public static ClassList voc() {
        return new ClassList(VOC);
    }

    /** Names given in code, background first; at least two, unique, not blank. */
    public static ClassList of(List<String> names) {
        return validated(names, "class list");
    }

    /** Reads {@code classes.txt}: one name per line, background first; blank lines are skipped. */
    public static ClassList read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeaktrException("cannot read class list " + file + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return validated(names, file.toString());
    }

    private static ClassList validated(List<String> names, String source) {
        if (names.size() < 2) {
            throw new WeaktrException(source + " names " + names.size()
                    + " class(es); expected at least 2, one per line: background first, then the foreground classes");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isBlank() || n.contains("\n")) {
                throw new WeaktrException(source + " has a blank class name");
            }
            if (!seen.add(n)) {
                throw new WeaktrException(source + " names class '" + n + "' twice; class names must be unique");
            }
        }
        return new ClassList(names);
    }

    /** Writes the names one per line (the {@code classes.txt} format), atomically. */
    public void write(Path file) {
        AtomicFiles.writeString(file, String.join("\n", names) + "\n");
    }

    /** All classes, background included. */
    public int size() {
        return names.size();
    }

    /** C, the number of foreground classes (= class tokens). */
    public int numForeground() {
        return names.size() - 1;
    }

    public String name(int index) {
        return names.get(index);
    }

    /** All names, background first (unmodifiable). */
    public List<String> names() {
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassList other && other.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "ClassList" + names;
    }
}
