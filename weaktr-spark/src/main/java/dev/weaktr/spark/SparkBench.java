package dev.weaktr.spark;

import ai.djl.Device;
import dev.weaktr.cam.AafConfig;
import dev.weaktr.cam.CamNetConfig;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamTrainConfig;
import dev.weaktr.cam.CamTrainer;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.io.Npy;
import dev.weaktr.nn.VitConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code weaktr bench --spark}: images/s of {@code cams} (3 scales + flip) and {@code seeds --crf} as Spark jobs with
 * each master (local[1], local[2], ...) beside the single-machine commands, on generated images with a CAM model
 * trained for one epoch on them (the speed does not depend on the weights). The model is loaded and warmed up before
 * the timed jobs (an executor loads it once per JVM); the times include reading and writing every file.
 */
public final class SparkBench {
    private SparkBench() {}

    /** One step's throughput per way of running it (images/s), in the order run. */
    public record Row(String step, Map<String, Double> imagesPerSecond) {}

    /** The rows, and the largest difference between the Spark CAMs and the single-machine ones. */
    public record Result(List<Row> rows, double maxCamDifference, int images, String model) {}

    public static Result run(String model, int images, List<String> masters, String crf, Path work, PrintStream log) {
        VitConfig vit = VitConfig.preset(model);
        int size = vit.imageSize();
        Path data = work.resolve("data");
        Synth.generate(SynthConfig.of(images, 0, size, 1), data);
        CamNetConfig net = new CamNetConfig(vit.withImageSize(size), Synth.classes().numForeground(), "aaf", AafConfig.DEFAULT);
        int batch = Math.min(8, images);
        CamTrainConfig cfg = new CamTrainConfig(1, batch, 4e-4, 1e-6, 1e-5, 0, 0.05, 0,
                new AugmentConfig(size, 0.08, 1, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4), 0);
        Path run = work.resolve("run");
        new CamTrainer(new PrintStream(PrintStream.nullOutputStream())).train(data, "train", run, net, cfg, Device.cpu(), false);
        dev.weaktr.io.AtomicFiles.writeString(data.resolve("ImageSets/Segmentation/warm.txt"),
                String.join("\n", dev.weaktr.data.VocDataset.open(data, "train").ids().subList(0, Math.min(2, images))) + "\n");
        double[] scales = {1.0, 0.8, 1.2};
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());

        Map<String, Double> cams = new LinkedHashMap<>(), seeds = new LinkedHashMap<>();
        String single = "single machine (" + Runtime.getRuntime().availableProcessors() + " cores)";
        CamPipeline.generate(run, data, "warm", work.resolve("warm"), scales, true, true, Device.cpu(), quiet);
        CamPipeline.CamsResult c = CamPipeline.generate(run, data, "train", work.resolve("cams-single"), scales, true, true,
                Device.cpu(), quiet);
        cams.put(single, images / c.seconds());
        log.printf(Locale.ROOT, "%s: cams %.2f images/s%n", single, images / c.seconds());
        long t0 = System.nanoTime();
        CamPipeline.seeds(work.resolve("cams-single"), 0.4, CrfConfig.presetOrNone(crf), 0, work.resolve("seeds-single"));
        seeds.put(single, images / ((System.nanoTime() - t0) / 1e9));
        log.printf(Locale.ROOT, "%s: seeds --crf %s %.2f images/s%n", single, crf, seeds.get(single));

        double maxDiff = 0;
        for (String master : masters) {
            try (SparkContexts.Opened spark = SparkContexts.open(master, "weaktr bench --spark")) {
                String tag = master.replaceAll("[^A-Za-z0-9]", "");
                SparkCams.Settings s = new SparkCams.Settings(scales, true, true, null);
                SparkCams.run(spark.context(), run.toString(), data.toString(), "warm", work.resolve("warm-" + tag).toString(), s);
                SparkCams.Result r = SparkCams.run(spark.context(), run.toString(), data.toString(), "train",
                        work.resolve("cams-" + tag).toString(), s);
                cams.put(master, r.computed() / r.seconds());
                log.printf(Locale.ROOT, "%s: cams %.2f images/s%n", master, cams.get(master));
                SparkSeeds.Result sr = SparkSeeds.run(spark.context(), work.resolve("cams-" + tag).toString(), 0.4, crf,
                        work.resolve("seeds-" + tag).toString());
                seeds.put(master, sr.computed() / sr.seconds());
                log.printf(Locale.ROOT, "%s: seeds --crf %s %.2f images/s%n", master, crf, seeds.get(master));
                maxDiff = Math.max(maxDiff, maxDifference(work.resolve("cams-single"), work.resolve("cams-" + tag)));
            }
        }
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("cams (3 scales + flip)", cams));
        rows.add(new Row("seeds --crf " + crf, seeds));
        return new Result(rows, maxDiff, images, model);
    }

    /** Largest |a - b| over the .npy files of two CAMS folders. */
    static double maxDifference(Path a, Path b) {
        double max = 0;
        for (String id : dev.weaktr.cam.CamStore.open(a).ids()) {
            Path fa = a.resolve(id + ".npy");
            if (!java.nio.file.Files.isRegularFile(fa)) {
                continue;
            }
            float[] x = Npy.read(fa).data(), y = Npy.read(b.resolve(id + ".npy")).data();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    public static String table(Result r) {
        StringBuilder s = new StringBuilder();
        List<String> columns = new ArrayList<>(r.rows().get(0).imagesPerSecond().keySet());
        s.append(String.format(Locale.ROOT, "Spark scaling (%s, %d generated images, images/s; CAMs equal to the single-machine ones within %.1e)%n",
                r.model(), r.images(), r.maxCamDifference()));
        s.append("| step | ").append(String.join(" | ", columns)).append(" |\n|---|");
        s.append("---|".repeat(columns.size())).append('\n');
        for (Row row : r.rows()) {
            s.append("| ").append(row.step()).append(" |");
            for (String col : columns) {
                s.append(String.format(Locale.ROOT, " %.2f |", row.imagesPerSecond().get(col)));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
