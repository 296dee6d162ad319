package dev.weaktr.spark;

import ai.djl.ndarray.NDManager;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamRun;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code weaktr spark cams}: the multi-scale + flip CAMs of a split ({@link CamPipeline#generate}), one image per
 * step of a Spark task, written in the single-machine layout: {@code <id>.npy}, {@code overlays/<id>.png} (each
 * atomically, the overlay last, so an image is done when its overlay exists), then {@code cams.json} and
 * {@code cams.tsv} from the driver. A restarted job skips the images already done.
 */
public final class SparkCams {
    private SparkCams() {}

    /** Inference settings, as {@code weaktr cams} takes them. */
    public record Settings(double[] scales, boolean flip, boolean patchRefine, String checkpoint) implements Serializable {
        public static Settings defaults() {
            return new Settings(new double[] {1.0, 0.8, 1.2}, true, true, null);
        }
    }

    /** Images in the split, how many this job computed (the rest were done before), and the wall time. */
    public record Result(int images, int computed, int withMaps, double seconds) {}

    /** One line of cams.tsv, from an executor. */
    record Entry(String id, int height, int width, int[] classes, boolean computed) implements Serializable {}

    /** One image to do: its id and weak labels. */
    record Item(String id, boolean[] labels) implements Serializable {}

    public static Result run(JavaSparkContext sc, String runUri, String dataUri, String split, String outUri, Settings s) {
        long t0 = System.nanoTime();
        var conf = sc.hadoopConfiguration();
        RemoteFiles run = RemoteFiles.of(runUri, "--run", conf);
        RemoteFiles data = RemoteFiles.of(dataUri, "--data", conf);
        RemoteFiles out = RemoteFiles.of(outUri, "--out", conf);
        for (double scale : s.scales()) {
            if (!(scale > 0 && scale <= 8)) {
                throw new WeaktrException("--scales: each scale must be in (0, 8], got " + scale);
            }
        }
        List<Item> items = new ArrayList<>();
        try (Scratch driver = new Scratch()) {
            CamRun manifest = Staging.inTermsOf(run, driver.resolve("run"),
                    () -> CamRun.read(Staging.run(run, driver.resolve("run"))));
            dev.weaktr.train.BestCheckpoint.choose(driver.resolve("run"), s.checkpoint()); // --checkpoint best needs one
            VocDataset ds = Staging.datasetIndex(data, split, driver.resolve("data"));
            if (!ds.classes().names().equals(manifest.classes())) {
                throw new WeaktrException("the run " + run + " was trained on classes " + manifest.classes() + " but "
                        + data + " has " + ds.classes().names());
            }
            for (String id : ds.ids()) {
                items.add(new Item(id, Staging.inTermsOf(data, driver.resolve("data"), () -> ds.labels(id))));
            }
        }
        out.mkdirs();
        Set<String> done = out.fileNames("overlays");
        List<Entry> entries = Jobs.writing(sc, out, List.of("overlays"), () -> sc.parallelize(items, Jobs.slices(sc, items.size()))
                .mapPartitions((Iterator<Item> part) -> Jobs.counted(() -> camsOf(part, run, data, out, s, done)))
                .collect());
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        Map<String, Entry> byId = new java.util.HashMap<>();
        entries.forEach(e -> byId.put(e.id(), e));
        int computed = 0, withMaps = 0;
        for (Item item : items) {
            Entry e = byId.get(item.id());
            index.put(e.id(), new CamStore.Entry(e.height(), e.width(), e.classes()));
            computed += e.computed() ? 1 : 0;
            withMaps += e.classes().length > 0 ? 1 : 0;
        }
        try (Scratch driver = new Scratch()) {
            // the index files last, from the driver: a folder without cams.tsv is visibly unfinished
            CamStore.writeSource(driver.dir(), new CamStore.Source(data.display(), split, run.display(), s.scales(),
                    s.flip(), s.patchRefine()));
            out.putAtomically(driver.resolve(CamStore.SOURCE), CamStore.SOURCE);
            CamStore.writeIndex(driver.dir(), index);
            out.putAtomically(driver.resolve(CamStore.INDEX), CamStore.INDEX);
        }
        return new Result(items.size(), computed, withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /** The executor side: the images of one partition, the model of this JVM, native memory freed per image. */
    private static Iterator<Entry> camsOf(Iterator<Item> part, RemoteFiles run, RemoteFiles data, RemoteFiles out,
            Settings s, Set<String> done) {
        List<Entry> entries = new ArrayList<>();
        try (Scratch scratch = new Scratch()) {
            ExecutorModels.Cam model = null;
            while (part.hasNext() && !Jobs.killed()) {
                Item item = part.next();
                String overlay = "overlays/" + item.id() + ".png";
                if (done.contains(item.id() + ".png")) {
                    int[] wh = Jobs.pngSize(out, overlay);
                    entries.add(new Entry(item.id(), wh[1], wh[0], presentClasses(item.labels()), false));
                    continue;
                }
                if (model == null) {
                    model = ExecutorModels.cam(run, s.checkpoint());
                    ExecutorModels.useTaskCores();
                }
                RgbImage image = Staging.image(data, item.id(), scratch);
                CamInference.Cams cams;
                try (NDManager perImage = model.manager().newSubManager()) {
                    cams = new CamInference(model.net(), perImage, s.scales(), s.flip(), s.patchRefine())
                            .generate(image, item.labels());
                }
                CamStore.writeMaps(scratch.dir(), item.id(), cams);
                if (cams.classes().length > 0) {
                    out.putAtomically(scratch.resolve(item.id() + ".npy"), item.id() + ".npy");
                    Scratch.delete(scratch.resolve(item.id() + ".npy"));
                }
                ImageFiles.write(scratch.resolve(overlay), Overlays.heatmap(image, CamPipeline.maxOverClasses(cams), 0.5f));
                out.putAtomically(scratch.resolve(overlay), overlay);
                Scratch.delete(scratch.resolve(overlay));
                entries.add(new Entry(item.id(), cams.height(), cams.width(), cams.classes(), true));
            }
        }
        return entries.iterator();
    }

    /** Class indices 1..C of the labelled classes, ascending (as {@link CamInference} keeps them). */
    static int[] presentClasses(boolean[] labels) {
        int n = 0;
        for (boolean b : labels) {
            n += b ? 1 : 0;
        }
        int[] out = new int[n];
        for (int c = 0, j = 0; c < labels.length; c++) {
            if (labels[c]) {
                out[j++] = c + 1;
            }
        }
        return out;
    }
}
