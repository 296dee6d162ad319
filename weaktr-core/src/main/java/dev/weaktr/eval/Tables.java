package dev.weaktr.eval;

import java.util.Locale;
import java.util.Map;

/** Plain-text tables for the evaluation commands. */
public final class Tables {
    private Tables() {}

    /** "class  IoU (%)" rows; classes never seen nor predicted show n/a. */
    public static String perClass(Map<String, Double> iou) {
        StringBuilder s = new StringBuilder(String.format("%-16s %8s%n", "class", "IoU (%)"));
        for (Map.Entry<String, Double> e : iou.entrySet()) {
            s.append(String.format(Locale.ROOT, "%-16s %8s%n", e.getKey(),
                    e.getValue() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", e.getValue())));
        }
        return s.toString();
    }
}
