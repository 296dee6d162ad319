package dev.weaktr.afa;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.nn.Parameters;
import dev.weaktr.seg.MethodOutputs;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps after AFA's training, each writing the same folders as WeakTr's step of the same name, so that
 * {@code eval-cam}, {@code seeds}, {@code eval} and {@code retrain} read them unchanged: {@link #cams} (a CAMS
 * folder), {@link #pseudo} (a SEEDS folder of AFA's own labels), {@link #segment} (a PRED folder) and
 * {@link #predict} (masks of loose files).
 */
public final class AfaPipeline {
    private AfaPipeline() {}

    /** Opens a trained or imported AFA run (its last checkpoint) for inference on {@code manager}'s device. */
    public static AfaNet load(Path run, NDManager manager) {
        AfaRun manifest = AfaRun.read(run);
        Path ckpt = Checkpoint.of(run);
        Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
        AfaNet net = new AfaNet(params, manifest.net());
        Checkpoint.load(ckpt, params, null);
        return net;
    }

    /**
     * Writes AFA's multi-scale + flip CAM ({@link AfaInference#cam}) of every image in WeakTr's CAMS layout
     * ({@link MethodOutputs#writeCams}): the labelled classes' maps in [0, 1].
     */
    public static CamPipeline.CamsResult cams(Path run, Path dataRoot, String split, Path out, double[] scales,
            Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        CamStore.Source source = new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), scales, true, false);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            return MethodOutputs.writeCams(data, out, source, (id, image) -> inference.cam(image, scales), "afa", console);
        }
    }

    /**
     * Writes AFA's own pseudo labels ({@link AfaInference#pseudoLabel}) of every image in the SEEDS layout that
     * {@code retrain} reads ({@link MethodOutputs#writeSeeds}).
     *
     * @return the number of images
     */
    public static int pseudo(Path run, Path dataRoot, String split, Path out, Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("method", AfaRun.METHOD);
        source.put("run", run.toAbsolutePath().toString());
        source.put("data", dataRoot.toAbsolutePath().toString());
        source.put("split", split);
        source.put("labels", "cam -> affinity random walk -> PAR, background 0.55/0.35");
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            return MethodOutputs.writeSeeds(data, out, source, (id, image) -> {
                return MethodOutputs.labelMap(inference.pseudoLabel(image, data.labels(id)), image.width(), image.height());
            }, "afa", console);
        }
    }

    /**
     * Labels a split with AFA's multi-scale + flip segmentation ({@link AfaInference#segment}) in WeakTr's PRED
     * layout ({@link MethodOutputs#writePred}).
     */
    public static SegPipeline.Result segment(Path run, Path dataRoot, String split, Path out, AfaInference.Settings s,
            boolean pseudo, Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = MethodOutputs.open(manifest.classes(), run, dataRoot, split);
        SegPipeline.Source source = new SegPipeline.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), s.scales(), s.flip(), 0,
                s.crf().map(dev.weaktr.crf.CrfConfig::name).orElse("none"), pseudo);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            return MethodOutputs.writePred(data, out, source, pseudo, (id, image) -> inference.segment(image, s).labels(),
                    "afa", console);
        }
    }

    /** Segments loose JPEG/PNG files: {@code OUT/<stem>.png} and {@code OUT/<stem>_overlay.png}. */
    public static List<Path> predict(Path run, List<Path> images, Path out, AfaInference.Settings s, Device device) {
        AfaRun.read(run);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            return MethodOutputs.writePredictions(images, out, (id, image) -> inference.segment(image, s).labels());
        }
    }
}
