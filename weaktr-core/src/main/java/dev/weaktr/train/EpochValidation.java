package dev.weaktr.train;

import ai.djl.ndarray.NDManager;
import dev.weaktr.nn.Parameters;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Validation during an epoch-based {@link TrainingLoop} run, from a {@link TrainingLoop.Method#endRound}: when the
 * {@link Validation.Plan} says an epoch is due, scores the model, offers the weights to the run's
 * {@link BestCheckpoint}, adds the score to the epoch's log.jsonl line ({@code val_miou} or {@code val_map},
 * {@code val_threshold} where one was swept, {@code val_images}, {@code best_epoch}) and prints one line.
 *
 * @param <M> the model the scorer reads
 */
public final class EpochValidation<M> {
    private final Validation.Plan<M> plan;
    private final Validation.Scorer<M> scorer;
    private final BestCheckpoint best;
    private final PrintStream console;

    /** Null when {@code plan} is null (validation off). */
    public static <M> EpochValidation<M> of(Validation.Plan<M> plan, Path run, boolean resume, PrintStream console) {
        return plan == null ? null : new EpochValidation<>(plan, run, resume, console);
    }

    private EpochValidation(Validation.Plan<M> plan, Path run, boolean resume, PrintStream console) {
        this.plan = plan;
        this.scorer = plan.scorer();
        this.best = BestCheckpoint.forRun(run, resume);
        this.console = console;
    }

    /**
     * @param epochsDone epochs trained (1-based)
     * @param meta the best checkpoint's metadata ({@code task}, …); {@code val_split} is added
     * @param record the epoch's log line, to which the score is added
     */
    public void afterEpoch(int epochsDone, int epochs, M model, NDManager manager, Parameters params,
            Map<String, String> meta, Map<String, Object> record) {
        if (!plan.due(epochsDone, epochs)) {
            return;
        }
        Validation.Score s = scorer.score(model, manager);
        Map<String, String> bestMeta = new LinkedHashMap<>(meta);
        bestMeta.put("val_split", scorer.split());
        boolean improved = best.offer(params, epochsDone, s.metric(), s.value(), bestMeta);
        record.put(s.metric(), s.value());
        if (!Double.isNaN(s.threshold())) {
            record.put("val_threshold", s.threshold());
        }
        record.put("val_images", s.images());
        record.put("best_epoch", best.bestEpoch());
        console.printf(Locale.ROOT, "epoch %d: %s %.2f on %s (%d images)%s%n", epochsDone, s.metric(), s.value(),
                scorer.split(), s.images(), improved ? " - new best, " + BestCheckpoint.FILE : "");
    }
}
