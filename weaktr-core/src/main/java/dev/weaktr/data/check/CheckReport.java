package dev.weaktr.data.check;

import dev.weaktr.data.ClassList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result of {@code dataset check}: every finding, and the label statistics per split. */
public final class CheckReport {
    private static final int EXAMPLES = 3;
    private final Path root;
    private final ClassList classes;
    private final List<Finding> findings;
    private final List<SplitStats> stats;
    private final Map<Problem, List<Finding>> byProblem = new EnumMap<>(Problem.class);

    CheckReport(Path root, ClassList classes, List<Finding> findings, List<SplitStats> stats) {
        this.root = root;
        this.classes = classes;
        this.findings = List.copyOf(findings);
        this.stats = List.copyOf(stats);
        for (Finding f : findings) {
            byProblem.computeIfAbsent(f.problem(), k -> new ArrayList<>()).add(f);
        }
    }

    public List<Finding> findings() {
        return findings;
    }

    public List<SplitStats> stats() {
        return stats;
    }

    /** Number of findings of one kind. */
    public int count(Problem p) {
        return byProblem.getOrDefault(p, List.of()).size();
    }

    public int count(Problem.Severity s) {
        return (int) findings.stream().filter(f -> f.problem().severity() == s).count();
    }

    public boolean hasErrors() {
        return count(Problem.Severity.ERROR) > 0;
    }

    /** Exit code of {@code dataset check}: 0 fine or warnings only, 2 errors. */
    public int exitCode() {
        return hasErrors() ? 2 : 0;
    }

    /** The first lines: a verdict, then one line per error kind, then per warning kind, worst first. */
    public List<String> headline() {
        List<String> lines = new ArrayList<>();
        int e = count(Problem.Severity.ERROR), w = count(Problem.Severity.WARNING);
        lines.add(String.format(Locale.ROOT, "dataset check %s: %d error(s), %d warning(s) — %s", root, e, w,
                e > 0 ? "training refuses this dataset" : w > 0 ? "usable, see the warnings" : "fine"));
        for (Problem.Severity s : List.of(Problem.Severity.ERROR, Problem.Severity.WARNING)) {
            for (Map.Entry<Problem, List<Finding>> en : byProblem.entrySet()) {
                if (en.getKey().severity() == s) {
                    Finding first = en.getValue().get(0);
                    lines.add(s.name().toLowerCase(Locale.ROOT) + ": " + en.getKey().label() + " (" + en.getValue().size()
                            + "): " + first.subject() + ": " + first.detail()
                            + (en.getValue().size() > 1 ? " (and " + (en.getValue().size() - 1) + " more)" : ""));
                }
            }
        }
        return lines;
    }

    /** The whole report: headline, table of problems, label statistics. */
    public String render() {
        StringBuilder s = new StringBuilder();
        headline().forEach(l -> s.append(l).append('\n'));
        s.append('\n');
        problemTable(s);
        statsTable(s);
        return s.toString();
    }

    private void problemTable(StringBuilder s) {
        if (byProblem.isEmpty()) {
            s.append("no problems found\n\n");
            return;
        }
        String fmt = "%-34s %-8s %7s  %-40s %s%n";
        s.append(String.format(Locale.ROOT, fmt, "problem", "severity", "count", "examples", "what weaktr does"));
        for (Map.Entry<Problem, List<Finding>> en : byProblem.entrySet()) {
            List<String> ex = new ArrayList<>();
            for (Finding f : en.getValue().subList(0, Math.min(EXAMPLES, en.getValue().size()))) {
                ex.add(f.subject());
            }
            s.append(String.format(Locale.ROOT, fmt, en.getKey().label(),
                    en.getKey().severity().name().toLowerCase(Locale.ROOT), en.getValue().size(),
                    clip(String.join(", ", ex), 40), en.getKey().handling()));
        }
        s.append('\n');
    }

    private void statsTable(StringBuilder s) {
        if (classes == null || stats.isEmpty()) {
            return;
        }
        s.append(String.format(Locale.ROOT, "%-24s", "split"));
        stats.forEach(st -> s.append(String.format(Locale.ROOT, " %10s", clip(st.split(), 10))));
        s.append('\n');
        row(s, "images", st -> Integer.toString(st.images()));
        row(s, "negatives (no class)", st -> Integer.toString(st.negatives()));
        row(s, "multi-label share", st -> String.format(Locale.ROOT, "%.1f%%", st.multiLabelPercent()));
        for (int k = 0; k < classes.numForeground(); k++) {
            final int kk = k;
            row(s, k + 1 + " " + classes.name(k + 1), st -> Integer.toString(st.perClass()[kk]));
        }
    }

    private void row(StringBuilder s, String name, java.util.function.Function<SplitStats, String> cell) {
        s.append(String.format(Locale.ROOT, "%-24s", clip(name, 24)));
        stats.forEach(st -> s.append(String.format(Locale.ROOT, " %10s", cell.apply(st))));
        s.append('\n');
    }

    private static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
