package dev.weaktr.train;

import ai.djl.ndarray.NDManager;

/**
 * Scoring a model on a held split during training, for best-checkpoint selection ({@link BestCheckpoint}). A
 * method supplies the {@link Scorer} (CAM mIoU, classification mAP, segmentation mIoU); the trainer calls it
 * every {@code every} epochs and after the last.
 */
public final class Validation {
    private Validation() {}

    /** A score: {@code metric} e.g. "val_miou" or "val_map" (percent); {@code threshold} where one was swept, else NaN. */
    public record Score(String metric, double value, double threshold, int images) {}

    /** Scores model {@code M} on its split. */
    public interface Scorer<M> {
        Score score(M model, NDManager manager);

        /** The split scored (recorded in log.jsonl and the best checkpoint). */
        String split();
    }

    /** What to score and how often. */
    public record Plan<M>(Scorer<M> scorer, int every) {
        public Plan {
            if (every < 1) {
                throw new dev.weaktr.WeaktrException("--eval-every must be >= 1, got " + every);
            }
        }

        /** Whether to score after {@code epochsDone} of {@code epochs}. */
        public boolean due(int epochsDone, int epochs) {
            return epochsDone % every == 0 || epochsDone == epochs;
        }
    }
}
