package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.importer.DatasetImporter;
import dev.weaktr.data.importer.ImportConfig;
import dev.weaktr.data.importer.ImportSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {
            "Tagged images -> a weaktr dataset: JPEGImages/<id>.jpg (symlinks, or copies with --copy), classes.txt "
                    + "(background first), image_labels.txt, sources.tsv, ImageSets/Segmentation/val.txt and train.txt "
                    + "(written last; split stratified by class, deterministic given --seed).",
            "--tags FILE: CSV with a header and the columns image (path relative to --images) and labels (class names "
                    + "separated by ';', empty = none of the classes), or JSON Lines with the same keys.",
            "--folders: --images holds one folder per class; an image in several folders (same content) has several "
                    + "classes; the folder 'none' (see --negatives) holds images of none of the classes."
        })
final class DatasetImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "folder of the images")
    Path images;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--tags", paramLabel = "FILE", description = "tags file: CSV (image,labels) or JSON Lines")
        Path tags;

        @Option(names = "--folders", description = "one folder per class under --images")
        boolean folders;
    }

    @Option(names = "--out", required = true, paramLabel = "DATA", description = "dataset folder to create (must not exist, or be empty)")
    Path out;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1", description = "share of images for val.txt, in [0, 1). Default: ${DEFAULT-VALUE}")
    double valFraction;

    @Option(names = "--seed", paramLabel = "K", defaultValue = "0", description = "seed of the split. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--classes", paramLabel = "FILE", description = "class order: one name per line (default: order of first appearance; folders: name order)")
    Path classes;

    @Option(names = "--negatives", paramLabel = "NAME", description = "--folders: name of the folder of images with none of the classes (default: none)")
    String negatives;

    @Option(names = "--masks", paramLabel = "DIR", description = "PNG masks with the images' stems (pixel = class index, 255 = ignore), carried over for evaluation only")
    Path masks;

    @Option(names = "--copy", description = "copy the images (and masks) instead of symlinking them")
    boolean copy;

    @Option(names = "--threads", paramLabel = "K", description = "worker threads (default: all processors)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        if (negatives != null && source.tags != null) {
            throw new WeaktrException("--negatives names a folder of --folders; with --tags give a negative image empty labels");
        }
        ImportConfig config = new ImportConfig(images, source.tags, out, valFraction, seed, classes,
                negatives != null ? negatives : ImportConfig.DEFAULT_NEGATIVES, masks, copy, threads);
        PrintWriter err = spec.commandLine().getErr();
        ProgressLine progress = new ProgressLine(err, "dataset import");
        ImportSummary summary;
        try {
            summary = DatasetImporter.run(config, progress);
        } finally {
            progress.finish();
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(summary.render());
        o.println("-> " + out + "   (next: weaktr dataset check --data " + out + ")");
        o.flush();
        return 0;
    }
}
