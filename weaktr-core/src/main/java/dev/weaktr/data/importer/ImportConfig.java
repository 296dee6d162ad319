package dev.weaktr.data.importer;

import java.nio.file.Path;

/**
 * Settings of {@code weaktr dataset import}.
 *
 * @param images folder of the images (tags mode: paths are relative to it; folders mode: DIR/class/*)
 * @param tags tags file (CSV or JSON Lines), or null for folders mode
 * @param out dataset folder to create (must not exist or be empty)
 * @param valFraction share of images for val.txt, in [0, 1)
 * @param seed seed of the split
 * @param classes optional class order file, or null
 * @param negatives name of the negatives folder (folders mode)
 * @param masks optional folder of PNG masks (same stem), or null
 * @param copy copy images instead of symlinking them
 * @param threads worker threads
 */
public record ImportConfig(Path images, Path tags, Path out, double valFraction, long seed, Path classes,
        String negatives, Path masks, boolean copy, int threads) {
    public static final double DEFAULT_VAL_FRACTION = 0.1;
    public static final String DEFAULT_NEGATIVES = "none";

    public boolean folders() {
        return tags == null;
    }
}
