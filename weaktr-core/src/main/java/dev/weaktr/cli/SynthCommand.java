package dev.weaktr.cli;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.ContactSheet;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.data.VocDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weaktr synth}: writes the procedural benchmark. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a procedural weakly-supervised segmentation benchmark in PASCAL VOC layout "
                + "(5 shape+texture classes, 1-4 objects per image, occlusion, clutter, 255 borders), or a single-class "
                + "one (--single-class NAME [--distractors]).")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output dataset folder")
    Path out;

    @Option(names = "--train", defaultValue = "300", description = "training images (default ${DEFAULT-VALUE})")
    int train;

    @Option(names = "--val", defaultValue = "60", description = "validation images (default ${DEFAULT-VALUE})")
    int val;

    @Option(names = "--size", defaultValue = "128", description = "image side in px (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--single-class", paramLabel = "NAME", description = "label only this class (striped-disc, "
            + "checker-square, dotted-triangle, spoked-ring or speckled-star); the others appear only with --distractors")
    String singleClass;

    @Option(names = "--distractors", description = "with --single-class: the other four shapes appear as unlabelled objects")
    boolean distractors;

    @Option(names = "--negatives", defaultValue = "0.35", description = "with --single-class: share of images without "
            + "the class (default ${DEFAULT-VALUE})")
    double negatives;

    @Option(names = "--sheet", description = "also write a contact sheet of 8 training images and masks (PNG)")
    Path sheet;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        if (singleClass == null && distractors) {
            throw new WeaktrException("--distractors applies to --single-class NAME");
        }
        Synth.Report report = Synth.generate(SynthConfig.of(train, val, size, seed),
                singleClass == null ? null : new Synth.SingleClass(singleClass, distractors, negatives), out);
        System.out.printf("wrote %d train + %d val images of %d px (%d classes: %s) to %s in %.1f s%n",
                report.train(), report.val(), size, report.classes().numForeground(),
                String.join(", ", report.classes().names().subList(1, report.classes().size())), out,
                (System.nanoTime() - t0) / 1e9);
        if (sheet != null) {
            String split = train > 0 ? "train" : "val";
            ContactSheet.write(VocDataset.open(out, split), 8, 4, size, sheet);
            System.out.println("contact sheet: " + sheet);
        }
        return 0;
    }
}
