package dev.weaktr.data.importer;

import dev.weaktr.data.ClassList;
import java.util.List;
import java.util.Locale;

/**
 * What an import wrote.
 *
 * @param perClass images per foreground class, index k = class k+1
 * @param negatives images with no class
 * @param multiLabel images with two or more classes
 * @param masks masks carried over
 * @param notes things the user should know (ignored files, duplicates)
 * @param warnings things that will hurt training (a single class without negatives)
 */
public record ImportSummary(ClassList classes, int images, int[] perClass, int negatives, int multiLabel, int train,
        int val, int masks, List<String> notes, List<String> warnings) {
    /** A few lines for the console. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "imported %d images: %d train, %d val; %d classes; %d negative, %d multi-label;"
                + " %d masks%n", images, train, val, classes.numForeground(), negatives, multiLabel, masks));
        for (int k = 0; k < perClass.length; k++) {
            s.append(String.format(Locale.ROOT, "  %-24s %8d images%n", classes.name(k + 1), perClass[k]));
        }
        for (String w : warnings) {
            s.append("warning: ").append(w).append('\n');
        }
        for (String n : notes) {
            s.append("note: ").append(n).append('\n');
        }
        return s.toString();
    }
}
