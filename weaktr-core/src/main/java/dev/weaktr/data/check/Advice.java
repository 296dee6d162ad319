package dev.weaktr.data.check;

import java.util.Optional;

/** Explanations shared by {@code dataset import}, {@code dataset check} and training. */
public final class Advice {
    private Advice() {}

    /**
     * The warning for a dataset with one foreground class and no negative image, or empty when the
     * dataset has several classes or at least one negative.
     */
    public static Optional<String> singleClassWithoutNegatives(String className, int numForeground, int negatives) {
        if (numForeground != 1 || negatives > 0) {
            return Optional.empty();
        }
        return Optional.of("every image is tagged '" + className + "', the only class, and no image has none of the"
                + " classes: the model cannot learn what '" + className + "' looks like. Its loss (a multi-label"
                + " soft-margin loss, one yes/no per class) is minimised by always answering \"yes\", whatever the"
                + " image shows, so the CAMs carry no localisation. Add negative images — photos of the same scenes"
                + " without any '" + className + "' — as rows with empty labels (tags file: 'img.jpg,') or in the"
                + " folder none/ (--folders), ideally about as many as positives.");
    }
}
