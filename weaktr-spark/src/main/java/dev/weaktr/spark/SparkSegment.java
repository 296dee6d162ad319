package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Npy;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.seg.SegPredictor;
import dev.weaktr.seg.SegRun;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code weaktr spark segment}: a split labelled by a retrained model ({@link SegPipeline#segment}), in the
 * single-machine layout: per image {@code <id>.npy} (with saveProbs), {@code overlays/<id>.png} (unless pseudo) and
 * {@code <id>.png} last (so an image is done when its mask exists), then {@code pred.json} and {@code pred.txt}
 * from the driver. A restarted job skips the images whose mask exists.
 */
public final class SparkSegment {
    private SparkSegment() {}

    /** {@link SegPredictor.Settings} in a form the tasks can be sent (the CRF by preset name). */
    public record Settings(double[] scales, boolean flip, double layerWeight, String crf, long maxMemory, String checkpoint)
            implements Serializable {
        public static Settings of(SegPredictor.Settings s) {
            return new Settings(s.scales(), s.flip(), s.layerWeight(), s.crf().map(CrfConfig::name).orElse("none"),
                    s.maxMemory(), s.checkpoint());
        }

        SegPredictor.Settings predictor() {
            return new SegPredictor.Settings(scales, flip, layerWeight, CrfConfig.presetOrNone(crf), maxMemory, checkpoint);
        }
    }

    public record Result(int images, int computed, double seconds) {}

    public static Result run(JavaSparkContext sc, String runUri, String dataUri, String split, String outUri, Settings s,
            boolean pseudo, boolean saveProbs) {
        long t0 = System.nanoTime();
        var conf = sc.hadoopConfiguration();
        RemoteFiles run = RemoteFiles.of(runUri, "--run", conf);
        RemoteFiles data = RemoteFiles.of(dataUri, "--data", conf);
        RemoteFiles out = RemoteFiles.of(outUri, "--out", conf);
        s.predictor(); // an unknown CRF preset fails here, on the driver
        List<String> ids;
        try (Scratch driver = new Scratch()) {
            Path local = driver.resolve("run");
            SegRun manifest = Staging.inTermsOf(run, local, () -> SegRun.read(Staging.run(run, local)));
            Staging.inTermsOf(run, local, () -> dev.weaktr.train.BestCheckpoint.choose(local, s.checkpoint()));
            VocDataset ds = Staging.datasetIndex(data, split, driver.resolve("data"));
            if (!manifest.classes().equals(ds.classes().names())) {
                throw new WeaktrException("the run " + run + " was trained on classes " + manifest.classes() + " but "
                        + data + " has " + ds.classes().names());
            }
            ids = ds.ids();
        }
        out.mkdirs();
        Set<String> done = out.fileNames("");
        long computed = Jobs.writing(sc, out, List.of("overlays"), () -> sc.parallelize(ids, Jobs.slices(sc, ids.size()))
                .mapPartitions((Iterator<String> part) -> Jobs.counted(() -> segmentOf(part, run, data, out, s, pseudo, saveProbs, done)))
                .filter(c -> c)
                .count());
        try (Scratch driver = new Scratch()) {
            SegPipeline.Source source = new SegPipeline.Source(data.display(), split, run.display(), s.scales(), s.flip(),
                    s.layerWeight(), s.crf(), pseudo);
            try {
                AtomicFiles.writeString(driver.resolve(SegPipeline.Source.FILE), new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
            } catch (IOException e) {
                throw new WeaktrException("cannot write " + SegPipeline.Source.FILE + ": " + e.getMessage(), e);
            }
            out.putAtomically(driver.resolve(SegPipeline.Source.FILE), SegPipeline.Source.FILE);
            AtomicFiles.writeString(driver.resolve(SegPipeline.INDEX), String.join("\n", ids) + "\n");
            out.putAtomically(driver.resolve(SegPipeline.INDEX), SegPipeline.INDEX);
        }
        return new Result(ids.size(), (int) computed, (System.nanoTime() - t0) / 1e9);
    }

    private static Iterator<Boolean> segmentOf(Iterator<String> part, RemoteFiles run, RemoteFiles data, RemoteFiles out,
            Settings s, boolean pseudo, boolean saveProbs, Set<String> done) {
        List<Boolean> computed = new ArrayList<>();
        SegPredictor predictor = null;
        try (Scratch scratch = new Scratch()) {
            while (part.hasNext() && !Jobs.killed()) {
                String id = part.next();
                if (done.contains(id + ".png")) {
                    computed.add(false);
                    continue;
                }
                if (predictor == null) {
                    predictor = ExecutorModels.seg(run, s.predictor()).fork(); // shared weights, this task's CRF workspace
                    ExecutorModels.useTaskCores();
                }
                RgbImage image = Staging.image(data, id, scratch);
                SegPredictor.Prediction p = predictor.predict(image);
                if (saveProbs) {
                    Path npy = scratch.resolve(id + ".npy");
                    Npy.write(npy, p.scores(), p.numClasses(), image.height(), image.width()); // [K, H, W]
                    out.putAtomically(npy, id + ".npy");
                    Scratch.delete(npy);
                }
                if (!pseudo) {
                    Path overlay = scratch.resolve("overlays/" + id + ".png");
                    ImageFiles.write(overlay, Overlays.labels(image, p.labels(), 0.6f));
                    out.putAtomically(overlay, "overlays/" + id + ".png");
                    Scratch.delete(overlay);
                }
                Path mask = scratch.resolve(id + ".png");
                LabelPng.write(mask, p.labels());
                out.putAtomically(mask, id + ".png");
                Scratch.delete(mask);
                computed.add(true);
            }
        } finally {
            if (predictor != null) {
                predictor.close(); // a fork: leaves the shared model open
            }
        }
        return computed.iterator();
    }
}
