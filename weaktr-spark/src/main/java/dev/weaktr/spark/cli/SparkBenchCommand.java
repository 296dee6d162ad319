package dev.weaktr.spark.cli;

import dev.weaktr.spark.SparkBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "With --spark: images/s of 'spark cams' and 'spark seeds --crf' per Spark master (default local[1] and "
                + "local[2]) beside the single-machine commands, on generated images. (Without --spark, 'weaktr bench' is the "
                + "core benchmark.)")
final class SparkBenchCommand implements Callable<Integer> {
    @Option(names = "--spark", required = true, description = "benchmark the Spark jobs")
    boolean spark;

    @Option(names = "--masters", split = ",", defaultValue = "local[1],local[2]", description = "Spark masters to time. Default: ${DEFAULT-VALUE}")
    List<String> masters;

    @Option(names = "--model", defaultValue = "deit-small", description = "CAM model preset. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--images", defaultValue = "16", description = "generated images per job. Default: ${DEFAULT-VALUE}")
    int images;

    @Option(names = "--crf", defaultValue = "weaktr-cam-voc", description = "CRF preset of the seeds step. Default: ${DEFAULT-VALUE}")
    String crf;

    @Option(names = "--work", description = "scratch folder (default: a temporary folder)")
    Path work;

    @Override
    public Integer call() throws Exception {
        if (images < 2) {
            throw new dev.weaktr.WeaktrException("--images must be at least 2, got " + images);
        }
        Path dir = work != null ? work : Files.createTempDirectory("weaktr-bench-spark");
        SparkBench.Result r = SparkBench.run(model, images, masters, crf, dir, System.err);
        System.out.print(SparkBench.table(r));
        return 0;
    }
}
