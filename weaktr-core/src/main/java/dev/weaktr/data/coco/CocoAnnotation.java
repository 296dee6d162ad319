package dev.weaktr.data.coco;

/**
 * One entry of a COCO file's {@code annotations} array. {@code area} is the file's {@code area}
 * field, NaN when absent (then the painted pixel count is used). {@code order} is the annotation's
 * position in the file, the tie-break of the painting order.
 */
public record CocoAnnotation(long id, long imageId, int categoryId, double area, boolean crowd, int order, Shape shape) {}
