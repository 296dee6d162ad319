package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.ContactSheet;
import dev.weaktr.data.CorpusRenderer;
import dev.weaktr.data.TransferBenchmark;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.pretrain.ImageSource;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weaktr corpus}: the generated pretraining corpus, and the transfer benchmark held out from it. */
@Command(name = "corpus", mixinStandardHelpOptions = true,
        description = "Write images of the generated pretraining corpus (what 'pretrain --corpus N' renders on the fly), or with --transfer the "
                + "transfer benchmark: a labelled dataset (VOC layout) of 5 shape+texture classes on backgrounds the corpus does not contain.")
final class CorpusCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--transfer", description = "write the transfer benchmark (train and val splits with masks) instead of corpus images")
    boolean transfer;

    @Option(names = "--count", defaultValue = "64", description = "corpus images to write (without --transfer). Default: ${DEFAULT-VALUE}")
    int count;

    @Option(names = "--train", defaultValue = "240", description = "--transfer: training images. Default: ${DEFAULT-VALUE}")
    int train;

    @Option(names = "--val", defaultValue = "120", description = "--transfer: validation images. Default: ${DEFAULT-VALUE}")
    int val;

    @Option(names = "--size", defaultValue = "128", description = "image side in px. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--sheet", description = "--transfer: also write a contact sheet of 8 training images and masks (PNG)")
    Path sheet;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        if (transfer) {
            TransferBenchmark.generate(out, train, val, size, seed);
            System.out.printf("wrote the transfer benchmark: %d train + %d val images of %d px, classes %s -> %s in %.1f s%n", train, val,
                    size, CorpusRenderer.TRANSFER_CLASSES, out, (System.nanoTime() - t0) / 1e9);
            if (sheet != null) {
                ContactSheet.write(VocDataset.open(out, train > 0 ? "train" : "val"), 8, 4, size, sheet);
                System.out.println("contact sheet: " + sheet);
            }
            return 0;
        }
        if (count < 1 || size < 16) {
            throw new WeaktrException("--count must be at least 1 and --size at least 16");
        }
        ImageSource corpus = ImageSource.corpus(count, size, seed);
        for (int i = 0; i < count; i++) {
            ImageFiles.write(out.resolve(String.format("corpus_%05d.png", i)), corpus.image(i));
        }
        System.out.printf("wrote %s -> %s in %.1f s%n", corpus.describe(), out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
