package dev.weaktr.train;

import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps {@value #FILE} beside a run's last checkpoint: the model weights (no optimizer state) of the epoch
 * with the highest validation score so far (the official {@code checkpoint_best_mIoU.pth}, spec §2.4; the
 * retraining's {@code checkpoint_best.pth}, spec §4.4). The score and its epoch live in the file's metadata,
 * so {@code --resume} continues with the best so far. Ties keep the earlier epoch (the official "improved" test).
 */
public final class BestCheckpoint {
    public static final String FILE = "checkpoint-best.safetensors";
    private final Path file;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch;

    private BestCheckpoint(Path file) {
        this.file = file;
    }

    /** The best checkpoint of {@code run}; on resume, its recorded score is the one to beat. */
    public static BestCheckpoint forRun(Path run, boolean resume) {
        BestCheckpoint b = new BestCheckpoint(run.resolve(FILE));
        if (resume && Files.isRegularFile(b.file)) {
            Map<String, String> meta = SafeTensors.read(b.file).metadata();
            b.best = Double.parseDouble(meta.getOrDefault("best_score", "-Infinity"));
            b.bestEpoch = Integer.parseInt(meta.getOrDefault("epoch", "0"));
        }
        return b;
    }

    /**
     * Saves the weights when {@code score} beats the best so far.
     *
     * @param epochsDone epochs trained when scored (1-based)
     * @param metric what {@code score} is, e.g. "val_miou" (recorded)
     * @return whether this epoch is the new best
     */
    public boolean offer(Parameters params, int epochsDone, String metric, double score, Map<String, String> extra) {
        if (!(score > best)) {
            return false;
        }
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put("best_metric", metric);
        meta.put("best_score", String.format(Locale.ROOT, "%.17g", score));
        Checkpoint.save(file, params, null, epochsDone, meta); // atomic (SafeTensors.write)
        best = score;
        bestEpoch = epochsDone;
        return true;
    }

    public double best() {
        return best;
    }

    /** The epoch (1-based) of the best score, 0 when none. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * The checkpoint to load for {@code which}: "last" = {@link Checkpoint#FILE}; "best" = {@value #FILE} (an
     * error when the run has none); null = best when it exists, else last.
     */
    public static Path choose(Path run, String which) {
        Path best = run.resolve(FILE);
        if (which == null) {
            return Files.isRegularFile(best) ? best : run.resolve(Checkpoint.FILE);
        }
        return switch (which) {
            case "last" -> run.resolve(Checkpoint.FILE);
            case "best" -> {
                if (!Files.isRegularFile(best)) {
                    throw new dev.weaktr.WeaktrException("--checkpoint best: " + run + " has no " + FILE
                            + " (trained without a validation split, or imported); use --checkpoint last");
                }
                yield best;
            }
            default -> throw new dev.weaktr.WeaktrException("--checkpoint: expected best or last, got '" + which + "'");
        };
    }
}
