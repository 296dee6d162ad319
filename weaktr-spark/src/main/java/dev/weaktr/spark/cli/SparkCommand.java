package dev.weaktr.spark.cli;

import dev.weaktr.cli.SegInferenceOptions;
import dev.weaktr.eval.Baselines;
import dev.weaktr.eval.SegEvaluator;
import dev.weaktr.eval.Tables;
import dev.weaktr.spark.SparkCams;
import dev.weaktr.spark.SparkContexts;
import dev.weaktr.spark.SparkEval;
import dev.weaktr.spark.SparkSeeds;
import dev.weaktr.spark.SparkSegment;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "spark", mixinStandardHelpOptions = true,
        description = "Run cams, seeds, segment or eval as an Apache Spark job over a dataset on any Hadoop file system "
                + "(file://, hdfs://, s3a://...); the outputs have the single-machine layout, and a restarted job skips "
                + "the images already done.",
        subcommands = {SparkCommand.Cams.class, SparkCommand.SeedsJob.class, SparkCommand.Segment.class, SparkCommand.Eval.class})
final class SparkCommand {

    /** --master, shared by the jobs. */
    static final class MasterOption {
        @Option(names = {"--master", "--spark"}, paramLabel = "MASTER",
                description = "Spark master: local[*] (this machine, all cores), local[N], spark://HOST:PORT, yarn, k8s://... "
                        + "Default: the one spark-submit was given, else local[*]")
        String master;
    }

    @Command(name = "cams", mixinStandardHelpOptions = true,
            description = "CAMs of a split (as 'weaktr cams'): OUT/<id>.npy, overlays/<id>.png, then cams.json and cams.tsv.")
    static final class Cams implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "CAM run folder (from train-cam): URI or path")
        String run;

        @Option(names = "--data", required = true, description = "dataset root: URI or path")
        String data;

        @Option(names = "--split", required = true, description = "split to label, e.g. train")
        String split;

        @Option(names = "--out", required = true, description = "CAMS folder to write: URI or path")
        String out;

        @Option(names = "--scales", split = ",", defaultValue = "1.0,0.8,1.2", description = "image scales. Default: ${DEFAULT-VALUE}")
        double[] scales;

        @Option(names = "--no-flip", description = "do not add horizontally flipped copies")
        boolean noFlip;

        @Option(names = "--no-refine", description = "skip the patch-attention refinement (eq. 6)")
        boolean noRefine;

        @Option(names = "--checkpoint", description = "best | last. Default: best when the run has one, else last")
        String checkpoint;

        @Mixin
        MasterOption master;

        @Override
        public Integer call() {
            try (SparkContexts.Opened spark = SparkContexts.open(master.master, "weaktr spark cams")) {
                SparkCams.Result r = SparkCams.run(spark.context(), run, data, split, out,
                        new SparkCams.Settings(scales, !noFlip, !noRefine, checkpoint));
                System.out.printf(Locale.ROOT, "wrote CAMs of %d images (%d computed, %d done before; %d with labelled classes) "
                        + "in %.1f s (%.2f images/s) -> %s%n", r.images(), r.computed(), r.images() - r.computed(), r.withMaps(),
                        r.seconds(), r.computed() / r.seconds(), out);
            }
            return 0;
        }
    }

    @Command(name = "seeds", mixinStandardHelpOptions = true,
            description = "Seed masks from CAMs (as 'weaktr seeds'): OUT/<id>.png, then seeds.json and seeds.txt.")
    static final class SeedsJob implements Callable<Integer> {
        @Option(names = "--cams", required = true, description = "CAMS folder (from cams): URI or path")
        String cams;

        @Option(names = "--bg", required = true, description = "background threshold in [0,1]")
        double bg;

        @Option(names = "--out", required = true, description = "SEEDS folder to write: URI or path")
        String out;

        @Option(names = "--crf", defaultValue = "none", description = "dense-CRF preset (e.g. weaktr-cam-voc) or none. Default: ${DEFAULT-VALUE}")
        String crf;

        @Mixin
        MasterOption master;

        @Override
        public Integer call() {
            try (SparkContexts.Opened spark = SparkContexts.open(master.master, "weaktr spark seeds")) {
                SparkSeeds.Result r = SparkSeeds.run(spark.context(), cams, bg, crf, out);
                System.out.printf(Locale.ROOT, "wrote %d seed masks%s (%d computed, %d done before) in %.1f s -> %s%n", r.images(),
                        crf.equals("none") ? "" : " (CRF " + crf + ")", r.computed(), r.images() - r.computed(), r.seconds(), out);
            }
            return 0;
        }
    }

    @Command(name = "segment", mixinStandardHelpOptions = true,
            description = "Label a split with a retrained model (as 'weaktr segment'): OUT/<id>.png, overlays/, then pred.json and pred.txt.")
    static final class Segment implements Callable<Integer> {
        @Option(names = "--run", required = true, description = "segmentation run folder (from retrain): URI or path")
        String run;

        @Option(names = "--data", required = true, description = "dataset root: URI or path")
        String data;

        @Option(names = "--split", required = true, description = "split to label")
        String split;

        @Option(names = "--out", required = true, description = "PRED folder to write: URI or path")
        String out;

        @Option(names = "--pseudo", description = "label a training split as pseudo masks (no overlays)")
        boolean pseudo;

        @Option(names = "--save-probs", description = "also write <id>.npy: float32 [K, H, W] scores averaged over the scales/flips")
        boolean saveProbs;

        @Mixin
        SegInferenceOptions inference;

        @Mixin
        MasterOption master;

        @Override
        public Integer call() {
            SparkSegment.Settings settings = SparkSegment.Settings.of(inference.settings());
            try (SparkContexts.Opened spark = SparkContexts.open(master.master, "weaktr spark segment")) {
                SparkSegment.Result r = SparkSegment.run(spark.context(), run, data, split, out, settings, pseudo, saveProbs);
                System.out.printf(Locale.ROOT, "labelled %d images (%d computed, %d done before) in %.1f s -> %s%n", r.images(),
                        r.computed(), r.images() - r.computed(), r.seconds(), out);
            }
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Score predicted masks against the split's ground truth, confusion matrices summed across executors; "
                    + "writes PRED/metrics.json with the image-blind baselines, as 'weaktr eval' does.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--pred", required = true, description = "folder of predicted <id>.png masks: URI or path")
        String pred;

        @Option(names = "--data", required = true, description = "dataset root with SegmentationClass masks: URI or path")
        String data;

        @Option(names = "--split", required = true, description = "split to score")
        String split;

        @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "also score the image-blind baselines (centred Gaussian, colour saliency, all background; given "
                        + "the image labels and their best threshold) on the same images; --no-baselines skips them. Default: on")
        boolean baselines;

        @Mixin
        MasterOption master;

        @Override
        public Integer call() {
            try (SparkContexts.Opened spark = SparkContexts.open(master.master, "weaktr spark eval")) {
                SparkEval.Outcome o = SparkEval.run(spark.context(), pred, data, split, baselines);
                SegEvaluator.Result r = o.result();
                System.out.printf(Locale.ROOT, "images %d | mIoU %.2f | pixel accuracy %.2f%n", r.images(), r.mIoU(), r.pixelAccuracy());
                System.out.print(Tables.perClass(r.perClass()));
                if (baselines) {
                    System.out.print(Baselines.line(o.baselines()));
                }
                System.out.println("-> " + pred + "/metrics.json");
            }
            return 0;
        }
    }
}
