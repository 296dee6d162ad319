package dev.weaktr.cam;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Checkpoint;
import dev.weaktr.crf.CrfConfig;
import dev.weaktr.crf.CrfRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CAM phase's steps after training, each a pure function of its input folders: cams, seeds. */
public final class CamPipeline {
    private CamPipeline() {}

    /** Opens a trained CAM run for inference (no autograd), on {@code manager}'s device. */
    public static WeakTrCamNet load(Path run, NDManager manager) {
        return load(run, manager, "last");
    }

    /**
     * @param which "best" ({@link dev.weaktr.train.BestCheckpoint#FILE}), "last" ({@link Checkpoint#FILE}), or null
     *     for the best when the run has one, else the last
     */
    public static WeakTrCamNet load(Path run, NDManager manager, String which) {
        CamRun manifest = CamRun.read(run);
        Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
        WeakTrCamNet net = new WeakTrCamNet(params, manifest.net());
        Checkpoint.load(dev.weaktr.train.BestCheckpoint.choose(run, which), params, null);
        return net;
    }

    /** Summary of a CAM generation. */
    public record CamsResult(int images, int withMaps, double seconds) {}

    /**
     * Writes multi-scale + flip CAMs of every image of a split (spec §3.2) to {@code out}: {@code <id>.npy},
     * {@code overlays/<id>.png}, then {@code cams.tsv}.
     */
    public static CamsResult generate(Path run, Path dataRoot, String split, Path out, double[] scales, boolean flip,
            boolean patchRefine, Device device, PrintStream console) {
        return generate(run, dataRoot, split, out, scales, flip, patchRefine, null, device, console);
    }

    /** @param checkpoint "best", "last", or null for the best when the run has one (else the last) */
    public static CamsResult generate(Path run, Path dataRoot, String split, Path out, double[] scales, boolean flip,
            boolean patchRefine, String checkpoint, Device device, PrintStream console) {
        CamRun manifest = CamRun.read(run);
        VocDataset data = VocDataset.open(dataRoot, split);
        if (!data.classes().names().equals(manifest.classes())) {
            throw new WeaktrException("the run " + run + " was trained on classes " + manifest.classes()
                    + " but " + dataRoot + " has " + data.classes().names());
        }
        long t0 = System.nanoTime();
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        int withMaps = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            console.println("cams: weights from " + dev.weaktr.train.BestCheckpoint.choose(run, checkpoint).getFileName());
            CamInference inference = new CamInference(load(run, manager, checkpoint), manager, scales, flip, patchRefine);
            int n = 0;
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                CamInference.Cams cams = inference.generate(image, data.labels(id));
                CamStore.writeMaps(out, id, cams);
                ImageFiles.write(out.resolve("overlays").resolve(id + ".png"),
                        Overlays.heatmap(image, maxOverClasses(cams), 0.5f));
                index.put(id, new CamStore.Entry(cams.height(), cams.width(), cams.classes()));
                withMaps += cams.classes().length > 0 ? 1 : 0;
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("cams: %d/%d images%n", n, data.size());
                }
            }
        }
        CamStore.writeSource(out, new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), scales, flip, patchRefine));
        CamStore.writeIndex(out, index);
        return new CamsResult(index.size(), withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /** [H·W] max over the image's class maps (0 where it has none). */
    public static float[] maxOverClasses(CamInference.Cams cams) {
        int plane = cams.height() * cams.width();
        float[] heat = new float[plane];
        for (int k = 0; k < cams.classes().length; k++) {
            for (int i = 0; i < plane; i++) {
                heat[i] = Math.max(heat[i], cams.maps()[k * plane + i]);
            }
        }
        return heat;
    }

    /**
     * Writes CAM seeds (indexed PNG pseudo masks) for every image of a CAMS folder with background threshold
     * {@code background} (spec §3.3), optionally refined by a dense CRF ({@code crf} empty = none) run in
     * parallel over images; {@code seeds.txt} (the ids) is written last.
     */
    /** A SEEDS folder's source ({@code seeds.json}): the CAMS folder, the background threshold and the CRF preset. */
    public static final String SEEDS_SOURCE = "seeds.json";

    public static int seeds(Path camsDir, double background, Optional<CrfConfig> crf, int threads, Path out) {
        CamStore store = CamStore.open(camsDir);
        List<String> ids = store.ids();
        forEachSeed(store, ids, background, crf, threads, (id, seed) -> LabelPng.write(out.resolve(id + ".png"), seed));
        Map<String, Object> source = new java.util.LinkedHashMap<>();
        source.put("cams", camsDir.toAbsolutePath().toString());
        source.put("threshold", background);
        source.put("crf", crf.map(CrfConfig::name).orElse("none"));
        try {
            AtomicFiles.writeString(out.resolve(SEEDS_SOURCE), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + out.resolve(SEEDS_SOURCE) + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out.resolve("seeds.txt"), String.join("\n", ids) + "\n");
        return ids.size();
    }

    /**
     * Computes the seed of each image ({@link Seeds#threshold} or, with a CRF, {@link Seeds#refined} on the
     * image the CAMs were made from) and hands it to {@code sink}, in parallel over images.
     */
    public static void forEachSeed(CamStore store, List<String> ids, double background, Optional<CrfConfig> crf,
            int threads, BiConsumer<String, LabelPng.LabelMap> sink) {
        if (!(background >= 0 && background <= 1)) {
            throw new WeaktrException("--bg must be in [0, 1] (CAMs are normalised to [0, 1]), got " + background);
        }
        VocDataset images = crf.isPresent() ? store.sourceDataset() : null;
        try (CrfRunner runner = new CrfRunner(threads)) {
            runner.map(ids, (worker, id) -> {
                CamInference.Cams cams = store.read(id);
                LabelPng.LabelMap seed = crf.isEmpty() ? Seeds.threshold(cams, background)
                        : Seeds.refined(cams, background, images.readImage(id), crf.get(), worker);
                sink.accept(id, seed);
                return id;
            });
        }
    }
}
