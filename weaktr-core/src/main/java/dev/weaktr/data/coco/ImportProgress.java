package dev.weaktr.data.coco;

/**
 * Progress of a COCO import, called from worker threads (implementations must be thread-safe).
 * {@code total} is -1 while unknown (reading the annotations file).
 */
@FunctionalInterface
public interface ImportProgress {
    ImportProgress NONE = (phase, done, total) -> {};

    void update(String phase, long done, long total);
}
