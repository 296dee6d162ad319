package dev.weaktr.data.check;

/**
 * Label statistics of one split.
 *
 * @param perClass images per foreground class, index k = class k+1
 */
public record SplitStats(String split, int images, int negatives, int multiLabel, int[] perClass) {
    /** Share of images with two or more classes, in percent. */
    public double multiLabelPercent() {
        return images == 0 ? 0 : 100.0 * multiLabel / images;
    }
}
