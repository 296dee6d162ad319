package dev.weaktr.getam;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.nn.Parameters;
import dev.weaktr.seg.MethodOutputs;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps after GETAM's training, each writing the same folders as WeakTr's step of the same name, so that
 * {@code eval-cam}, {@code seeds}, {@code eval} and {@code retrain} read them unchanged: {@link #cams} (a CAMS
 * folder of GETAM maps), {@link #pseudo} (a SEEDS folder of GETAM's completed labels), {@link #segment} (a PRED
 * folder) and {@link #predict} (masks of loose files). See {@link GetamInference}.
 */
public final class GetamPipeline {
    private GetamPipeline() {}

    /** Opens a trained or imported GETAM run (its last checkpoint) for inference on {@code manager}'s device. */
    public static GetamNet load(Path run, NDManager manager) {
        GetamRun manifest = GetamRun.read(run);
        Path ckpt = Checkpoint.of(run);
        Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
        GetamNet net = new GetamNet(params, manifest.net());
        Checkpoint.load(ckpt, params, null);
        return net;
    }

    /** Checks square input sides: positive multiples of 32 (DPT's coarsest fusion level). */
    public static int[] checkSizes(int[] sizes, String flag) {
        if (sizes.length == 0) {
            throw new WeaktrException(flag + ": give at least one square side");
        }
        for (int s : sizes) {
            if (s < 32 || s % 32 != 0 || s > 4096) {
                throw new WeaktrException(flag + ": GETAM's square sides must be multiples of 32 in 32..4096, got " + s);
            }
        }
        return sizes.clone();
    }

    /**
     * Writes the multi-size GETAM map ({@link GetamInference#cam}) of every image in WeakTr's CAMS layout
     * ({@link MethodOutputs#writeCams}): the labelled classes' maps in [0, 1).
     */
    public static CamPipeline.CamsResult cams(Path run, Path dataRoot, String split, Path out, int[] sizes,
            Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        CamStore.Source source = new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), Arrays.stream(sizes).asDoubleStream().toArray(), false, false);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            return MethodOutputs.writeCams(data, out, source, (id, image) -> inference.cam(image, data.labels(id), sizes),
                    "getam", console);
        }
    }

    /**
     * Writes GETAM's completed labels ({@link GetamInference#pseudoLabel}) of every image in the SEEDS layout that
     * {@code retrain} reads ({@link MethodOutputs#writeSeeds}). Every saliency map is checked (present, same size as
     * its image) before the first image is labelled.
     *
     * @param saliencyDir one PNG per image ({@code <id>.png}), or null for the image-level-only form
     * @return the number of images
     */
    public static int pseudo(Path run, Path dataRoot, String split, Path out, Path saliencyDir, int[] sizes,
            Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        SaliencyMaps saliency = saliencyDir == null ? null : new SaliencyMaps(saliencyDir);
        if (saliency != null) {
            saliency.requireAll(data.ids());
            for (String id : data.ids()) { // fail before any work on a map of another size (headers only)
                int[] size = ImageFiles.displaySize(data.imagePath(id));
                saliency.requireSize(id, size[0], size[1]);
            }
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("method", GetamRun.METHOD);
        source.put("run", run.toAbsolutePath().toString());
        source.put("data", dataRoot.toAbsolutePath().toString());
        source.put("split", split);
        source.put("saliency", saliencyDir == null ? null : saliencyDir.toAbsolutePath().toString());
        source.put("sizes", sizes);
        source.put("labels", "GETAM map -> PAMR -> bg (1-max)^32"
                + (saliencyDir == null ? " (image-level only: every pixel salient)" : " -> saliency masking")
                + " -> 90th-percentile mining -> 10x10 opening");
        Pamr pamr = Pamr.official();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            return MethodOutputs.writeSeeds(data, out, source, (id, image) -> {
                float[] sal = saliency == null ? null : saliency.read(id, image.width(), image.height());
                return MethodOutputs.labelMap(inference.pseudoLabel(image, data.labels(id), sal, sizes, pamr), image.width(), image.height());
            }, "getam", console);
        }
    }

    /**
     * Labels a split with GETAM's multi-size segmentation ({@link GetamInference#segment}) in WeakTr's PRED layout
     * ({@link MethodOutputs#writePred}).
     */
    public static SegPipeline.Result segment(Path run, Path dataRoot, String split, Path out, GetamInference.Settings s,
            boolean pseudo, Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        SegPipeline.Source source = new SegPipeline.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), Arrays.stream(s.sizes()).asDoubleStream().toArray(), false, 0,
                s.crf().map(dev.weaktr.crf.CrfConfig::name).orElse("none"), pseudo);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            return MethodOutputs.writePred(data, out, source, pseudo, (id, image) -> inference.segment(image, s).labels(),
                    "getam", console);
        }
    }

    /** Segments loose JPEG/PNG files: {@code OUT/<stem>.png} and {@code OUT/<stem>_overlay.png}. */
    public static List<Path> predict(Path run, List<Path> images, Path out, GetamInference.Settings s, Device device) {
        GetamRun.read(run);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            return MethodOutputs.writePredictions(images, out, (id, image) -> inference.segment(image, s).labels());
        }
    }
}
