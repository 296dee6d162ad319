package dev.weaktr.data.coco;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of an import. Images in the file = written + skippedNoAnnotations + skippedOther;
 * {@code skippedOther} counts images whose annotations were all unusable, whose file is missing or
 * whose id repeats. {@code problems} are in a deterministic order (reading order, then by image id).
 */
public record CocoImportReport(
        int imagesInFile,
        int imagesWritten,
        int skippedNoAnnotations,
        int skippedOther,
        int annotationsRead,
        int classes,
        Path splitFile,
        List<ImportProblem> problems) {

    /** A few lines for the console. */
    public String summary() {
        return "images in file: " + imagesInFile + ", written: " + imagesWritten
                + ", skipped without annotations: " + skippedNoAnnotations
                + ", skipped otherwise: " + skippedOther + "\n"
                + "annotations read: " + annotationsRead + ", problems: " + problems.size()
                + ", classes (with background): " + classes + "\n"
                + "split file: " + splitFile;
    }
}
