package dev.weaktr.data.importer;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Image ids from file stems: characters other than ASCII letters, digits, '.', '_' and '-' become '_'
 * (ids are white-space separated in weaktr's lists and file names on every file system), a leading
 * '.' or '-' too; a taken id (compared without case, for case-insensitive file systems) gets "_2", "_3", ...
 */
final class IdNamer {
    private static final int MAX_LENGTH = 150;
    private final Set<String> taken = new HashSet<>();

    /** A new unique id for the file {@code fileName} (a name or a relative path). */
    String idFor(String fileName) {
        String base = safe(stem(fileName));
        String id = base;
        for (int k = 2; !taken.add(id.toLowerCase(Locale.ROOT)); k++) {
            id = base + "_" + k;
        }
        return id;
    }

    static String stem(String fileName) {
        String name = fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String safe(String stem) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < stem.length() && s.length() < MAX_LENGTH; i++) {
            char c = stem.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
            s.append(ok && !(i == 0 && (c == '.' || c == '-')) ? c : '_');
        }
        return s.length() == 0 ? "image" : s.toString();
    }
}
