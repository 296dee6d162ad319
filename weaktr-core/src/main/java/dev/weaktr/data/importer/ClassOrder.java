package dev.weaktr.data.importer;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The foreground classes of an import and their order: first appearance, or the order of a
 * {@code --classes} file. Names are case-sensitive, so two names that differ only by case are refused
 * (they are almost always one class spelled two ways); "background" is reserved for index 0.
 */
final class ClassOrder {
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final Map<String, String> byFolded = new HashMap<>();
    private final Map<String, String> firstSeen = new HashMap<>();
    private final boolean fixed;
    private final String fixedSource;

    private ClassOrder(boolean fixed, String fixedSource) {
        this.fixed = fixed;
        this.fixedSource = fixedSource;
    }

    /** Classes added as they first appear. */
    static ClassOrder byFirstAppearance() {
        return new ClassOrder(false, null);
    }

    /** Classes fixed by a file: one name per line; a first line "background" is allowed and skipped. */
    static ClassOrder fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WeaktrException("--classes: cannot read " + file + ": " + e.getMessage(), e);
        }
        ClassOrder order = new ClassOrder(false, null);
        boolean first = true;
        for (int n = 0; n < lines.size(); n++) {
            String name = lines.get(n).replace("\uFEFF", "").strip();
            if (name.isEmpty()) {
                continue;
            }
            if (first && name.equalsIgnoreCase("background")) {
                first = false;
                continue;
            }
            first = false;
            String where = file + " line " + (n + 1);
            if (order.index.containsKey(name)) {
                throw new WeaktrException(where + ": class '" + name + "' is listed twice");
            }
            order.add(name, where);
        }
        if (order.index.isEmpty()) {
            throw new WeaktrException("--classes: " + file + " names no class (one class name per line)");
        }
        ClassOrder fixed = new ClassOrder(true, file.toString());
        fixed.index.putAll(order.index);
        fixed.byFolded.putAll(order.byFolded);
        fixed.firstSeen.putAll(order.firstSeen);
        return fixed;
    }

    /** Index 1..C of {@code name}, adding it if the order is not fixed; {@code where} names the source line. */
    int indexOf(String name, String where) {
        Integer k = index.get(name);
        if (k != null) {
            return k;
        }
        if (fixed) {
            String near = byFolded.get(fold(name));
            throw new WeaktrException(where + ": unknown class name '" + name + "'"
                    + (near != null ? " (did you mean '" + near + "'? class names are case-sensitive)" : "")
                    + "; --classes " + fixedSource + " lists " + String.join(", ", index.keySet()));
        }
        return add(name, where);
    }

    private int add(String name, String where) {
        if (name.equalsIgnoreCase("background")) {
            throw new WeaktrException(where + ": 'background' cannot be a tag: it is class 0, the part of every image"
                    + " that is none of the classes; leave the labels empty for an image without any class");
        }
        if (name.contains("\n") || name.contains("\r")) {
            throw new WeaktrException(where + ": a class name holds a line break");
        }
        String other = byFolded.putIfAbsent(fold(name), name);
        if (other != null) {
            throw new WeaktrException(where + ": class '" + name + "' differs only by case from '" + other + "' ("
                    + firstSeen.get(other) + "); class names are case-sensitive, so use one spelling");
        }
        firstSeen.put(name, where);
        index.put(name, index.size() + 1);
        return index.size();
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** The class list: background, then the foreground classes in order. */
    ClassList classList(String source) {
        if (index.isEmpty()) {
            throw new WeaktrException(source + " names no class at all: every image is a negative; give at least one"
                    + " image a class name (labels column, or a class folder)");
        }
        List<String> names = new ArrayList<>();
        names.add("background");
        names.addAll(index.keySet());
        return ClassList.of(names);
    }
}
