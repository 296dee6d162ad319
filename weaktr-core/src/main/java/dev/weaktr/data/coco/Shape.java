package dev.weaktr.data.coco;

/**
 * An annotation's {@code segmentation}, kept compact until its image is painted: polygons as their
 * upsampled integer vertices (see {@link PolygonRasterizer#upsample}), RLE as counts or as the
 * compressed string.
 */
public sealed interface Shape {

    /** {@code [[x0,y0,x1,y1,...], ...]}: each ring upsampled ×5; painted as the union of the rings. */
    record Polygons(int[][] upsampledRings) implements Shape {}

    /** {@code {"size":[h,w], "counts":[...]}}: uncompressed column-major RLE (typical for crowds). */
    record CountsRle(int height, int width, int[] counts) implements Shape {}

    /** {@code {"size":[h,w], "counts":"..."}}: compressed RLE string ({@link RleString}). */
    record StringRle(int height, int width, String counts) implements Shape {}
}
