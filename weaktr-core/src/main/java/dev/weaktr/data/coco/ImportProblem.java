package dev.weaktr.data.coco;

/**
 * A problem with one annotation or image that the import reported and skipped. {@code annotationId}
 * is -1 for problems that concern a whole image; {@code imageId} is -1 when unknown.
 */
public record ImportProblem(long annotationId, long imageId, String message) {
    @Override
    public String toString() {
        String who = annotationId >= 0 ? "annotation " + annotationId : "image " + imageId;
        if (annotationId >= 0 && imageId >= 0) {
            who += " (image " + imageId + ")";
        }
        return who + ": " + message;
    }
}
