package dev.weaktr.weights;

import dev.weaktr.WeaktrException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What loading a weights file into a model did, key by key (official state-dict names).
 *
 * @param source the file
 * @param loaded tensors copied as they are
 * @param adapted tensors converted by a rule (class-token expansion, position-grid resize), with the rule
 * @param fresh model tensors the file cannot hold and that keep their random init (conv head, AAF)
 * @param dropped file tensors deliberately not used (the ImageNet classifier {@code head.*})
 * @param missing model tensors the file should hold but does not (keep their init unless --strict)
 * @param unexpected file tensors the model has no place for (e.g. {@code dist_token})
 * @param mismatched tensors present on both sides with shapes no rule converts
 */
public record LoadReport(String source, List<String> loaded, List<String> adapted, List<String> fresh,
        List<String> dropped, List<String> missing, List<Key> unexpected, List<Mismatch> mismatched) {

    /** A file tensor with its shape. */
    public record Key(String name, long[] shape) {}

    /** A tensor whose file shape cannot become the model shape. */
    public record Mismatch(String name, long[] fileShape, long[] modelShape) {}

    /**
     * Throws on the first problem: always for a shape mismatch (PyTorch's load_state_dict refuses those even
     * with strict=False), and for missing or unexpected keys when {@code strict}.
     */
    public void check(boolean strict) {
        if (!mismatched.isEmpty()) {
            Mismatch m = mismatched.get(0);
            throw new WeaktrException(source + ": tensor '" + m.name() + "' has shape " + shape(m.fileShape())
                    + " but the model expects " + shape(m.modelShape()) + " (" + mismatched.size()
                    + " mismatched in all; a checkpoint for another class count or model preset?)");
        }
        if (strict && !missing.isEmpty()) {
            throw new WeaktrException("--strict: " + source + " has no tensor '" + missing.get(0) + "' ("
                    + missing.size() + " missing in all: " + missing + ")");
        }
        if (strict && !unexpected.isEmpty()) {
            Key k = unexpected.get(0);
            throw new WeaktrException("--strict: " + source + " holds tensor '" + k.name() + "' " + shape(k.shape())
                    + " that the model has no place for (" + unexpected.size() + " unexpected in all)");
        }
    }

    /** A few lines for the console. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "weights from %s: %d loaded, %d adapted, %d new (random init), %d dropped, %d missing, %d unexpected",
                source, loaded.size(), adapted.size(), fresh.size(), dropped.size(), missing.size(), unexpected.size()));
        adapted.forEach(a -> sb.append("\n  adapted: ").append(a));
        if (!fresh.isEmpty()) {
            sb.append("\n  new: ").append(fresh);
        }
        if (!dropped.isEmpty()) {
            sb.append("\n  dropped: ").append(dropped);
        }
        if (!missing.isEmpty()) {
            sb.append("\n  missing (kept at init): ").append(missing);
        }
        unexpected.forEach(k -> sb.append("\n  unexpected: ").append(k.name()).append(' ').append(shape(k.shape())));
        return sb.toString();
    }

    /** {@code (a, b, c)}, or {@code (absent)} for null. */
    public static String shape(long[] s) {
        return s == null ? "(absent)" : Arrays.toString(s).replace('[', '(').replace(']', ')');
    }
}
