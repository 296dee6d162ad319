package dev.weaktr.data.coco;

import java.nio.file.Path;

/**
 * What {@link CocoImporter} does: read {@code annotations} (a COCO instances file), find the images
 * under {@code images} by their {@code file_name}, write the VOC-style layout under {@code out} with
 * the image ids in {@code ImageSets/Segmentation/<split>.txt}. {@code rawIds}: class index = COCO
 * category id instead of the contiguous rank; {@code copy}: copy JPEGs instead of symlinking them.
 */
public record CocoImportConfig(
        Path images, Path annotations, Path out, String split, boolean rawIds, boolean copy, int threads) {

    /** The default split name: {@code instances_val2014.json} → {@code val2014}; otherwise the file stem. */
    public static String defaultSplit(Path annotations) {
        String name = annotations.getFileName().toString();
        if (name.endsWith(".json")) {
            name = name.substring(0, name.length() - 5);
        }
        return name.startsWith("instances_") && name.length() > 10 ? name.substring(10) : name;
    }
}
