package dev.weaktr.cli;

import dev.weaktr.data.coco.CocoImportConfig;
import dev.weaktr.data.coco.CocoImportReport;
import dev.weaktr.data.coco.CocoImporter;
import dev.weaktr.data.coco.ImportProblem;
import dev.weaktr.data.coco.ImportProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weaktr coco-import}: COCO instance annotations → weaktr's VOC-style dataset layout. */
@Command(
        name = "coco-import",
        mixinStandardHelpOptions = true,
        description = {
            "Converts COCO instance annotations (instances_*.json) into weaktr's VOC-style layout: "
                    + "JPEGImages/<id>.jpg, SegmentationClass/<id>.png, ImageSets/Segmentation/<split>.txt, "
                    + "classes.txt and image_labels.txt. Masks are painted in ascending area order, first writer "
                    + "wins. Class index = rank of the category id (1..80 on COCO) unless --raw-ids."
        })
final class CocoImportCommand implements Callable<Integer> {
    private static final int SHOWN_PROBLEMS = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of the COCO images (file_name is resolved against it).")
    Path images;

    @Option(names = "--annotations", required = true, paramLabel = "FILE", description = "COCO instances JSON, e.g. instances_val2014.json.")
    Path annotations;

    @Option(names = "--out", required = true, paramLabel = "DATA", description = "Dataset folder to write (created if needed).")
    Path out;

    @Option(names = "--split", paramLabel = "NAME", description = "Split name for ImageSets/Segmentation/NAME.txt (default: from the file name, instances_val2014.json → val2014).")
    String split;

    @Option(names = "--raw-ids", description = "Class index = COCO category id (1..90; classes.txt gets unused_<id> placeholders) instead of the contiguous 1..N remap.")
    boolean rawIds;

    @Option(names = "--copy", description = "Copy the images into JPEGImages instead of symlinking them.")
    boolean copy;

    @Option(names = "--threads", paramLabel = "K", description = "Worker threads for painting (default: all processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String splitName = split != null ? split : CocoImportConfig.defaultSplit(annotations);
        CocoImportConfig config = new CocoImportConfig(images, annotations, out, splitName, rawIds, copy, threads);
        ProgressLine progress = new ProgressLine(err, "coco-import");
        CocoImportReport report = CocoImporter.run(config, progress);
        progress.finish();
        PrintWriter outW = spec.commandLine().getOut();
        int shown = 0;
        for (ImportProblem p : report.problems()) {
            if (shown++ == SHOWN_PROBLEMS) {
                outW.println("... " + (report.problems().size() - SHOWN_PROBLEMS) + " more problems in "
                        + out.resolve("coco_import_" + splitName + ".json"));
                break;
            }
            outW.println("problem: " + p);
        }
        outW.println(report.summary());
        outW.flush();
        return 0;
    }
}
