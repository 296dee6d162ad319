package dev.weaktr.data.check;

/** The kinds of problem {@code dataset check} reports, worst first within each severity. */
public enum Problem {
    LAYOUT(Severity.ERROR, "dataset layout", "refused: fix the folder"),
    MISSING_IMAGE(Severity.ERROR, "missing image", "refused: the split lists it but JPEGImages/<id>.jpg does not exist"),
    UNREADABLE_IMAGE(Severity.ERROR, "unreadable image", "refused: not a decodable JPEG/PNG/BMP/GIF"),
    TRUNCATED_IMAGE(Severity.ERROR, "truncated image", "refused: the file ends early (partial download/copy); re-export it"),
    CMYK_IMAGE(Severity.ERROR, "CMYK/YCCK JPEG", "refused: the JPEG decoder reads only grey and RGB/YCbCr; convert to RGB"),
    NO_LABEL_LINE(Severity.ERROR, "image without a label line", "refused: add '<id>' (no class) or '<id> <index> ...' to image_labels.txt"),
    LABEL_OUT_OF_RANGE(Severity.ERROR, "label index out of range", "refused: indices are 1..C (classes.txt line numbers, background = 0 not listed)"),
    UNKNOWN_CLASS_NAME(Severity.ERROR, "unknown class name", "refused: image_labels.txt holds class indices, not names"),
    DUPLICATE_LABEL_LINE(Severity.ERROR, "duplicate id in image_labels.txt", "refused: one line per image"),
    MASK_UNREADABLE(Severity.ERROR, "unreadable mask", "refused: masks are indexed or 8-bit grey PNGs"),
    MASK_SIZE(Severity.ERROR, "mask size differs from image", "refused: a mask must have the size of its image as displayed"),
    MASK_VALUES(Severity.ERROR, "mask values not classes or 255", "refused: pixel = class index 0..C, 255 = ignore"),
    DUPLICATE_IN_SPLIT(Severity.WARNING, "duplicate id in a split file", "handled: used once"),
    IN_SEVERAL_SPLITS(Severity.WARNING, "id in several splits", "kept: evaluation on a split that overlaps training is optimistic"),
    SINGLE_CLASS_NO_NEGATIVES(Severity.WARNING, "single class, no negative image", "trained, but it cannot learn: add negatives"),
    CLASS_WITHOUT_IMAGES(Severity.WARNING, "class without images", "kept: its class token never sees a positive"),
    SIXTEEN_BIT_IMAGE(Severity.WARNING, "16-bit image", "handled: reduced to 8 bits per channel"),
    ALPHA_IMAGE(Severity.WARNING, "image with alpha", "handled: alpha dropped, transparent pixels keep their stored colour"),
    GREY_IMAGE(Severity.NOTE, "grayscale image", "handled: grey copied to R, G and B"),
    EXIF_ROTATED(Severity.NOTE, "EXIF-rotated image", "handled: turned as viewers show it; masks and outputs use that orientation"),
    NEGATIVE_IMAGE(Severity.NOTE, "image without labels (negative)", "used: teaches what the classes are not; no CAM, all-background seed"),
    LABELS_FROM_MASKS(Severity.NOTE, "no image_labels.txt", "handled: labels derived from the masks");

    /** How bad a problem is: errors stop training, warnings and notes do not. */
    public enum Severity { ERROR, WARNING, NOTE }

    private final Severity severity;
    private final String label;
    private final String handling;

    Problem(Severity severity, String label, String handling) {
        this.severity = severity;
        this.label = label;
        this.handling = handling;
    }

    public Severity severity() {
        return severity;
    }

    public String label() {
        return label;
    }

    /** What weaktr does with it. */
    public String handling() {
        return handling;
    }
}
