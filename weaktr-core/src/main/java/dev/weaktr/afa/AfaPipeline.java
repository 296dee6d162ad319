package dev.weaktr.afa;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.cam.CamInference;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.CamStore;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import dev.weaktr.nn.Parameters;
import dev.weaktr.seg.SegPipeline;
import dev.weaktr.train.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        Path ckpt = run.resolve(Checkpoint.FILE);
        if (!Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + Checkpoint.FILE + " (training not started, or the folder is incomplete)");
        }
        Parameters params = new Parameters(manager, DataType.FLOAT32, 0, false);
        AfaNet net = new AfaNet(params, manifest.net());
        Checkpoint.load(ckpt, params, null);
        return net;
    }

    /**
     * Writes AFA's multi-scale + flip CAM ({@link AfaInference#cam}) of every image in WeakTr's CAMS layout: the
     * image's labelled classes' maps {@code <id>.npy} [K, H, W] in [0, 1], {@code overlays/<id>.png}, {@code cams.json},
     * then {@code cams.tsv}.
     */
    public static CamPipeline.CamsResult cams(Path run, Path dataRoot, String split, Path out, double[] scales,
            Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        long t0 = System.nanoTime();
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        int withMaps = 0, n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                int[] keys = data.labelIndices(id);
                int plane = image.height() * image.width();
                float[] maps = new float[keys.length * plane];
                if (keys.length > 0) {
                    float[] all = inference.cam(image, scales); // [C, H, W]
                    for (int j = 0; j < keys.length; j++) {
                        System.arraycopy(all, (keys[j] - 1) * plane, maps, j * plane, plane);
                    }
                }
                CamInference.Cams cams = new CamInference.Cams(keys, maps, image.height(), image.width());
                CamStore.writeMaps(out, id, cams);
                ImageFiles.write(out.resolve("overlays").resolve(id + ".png"),
                        Overlays.heatmap(image, CamPipeline.maxOverClasses(cams), 0.5f));
                index.put(id, new CamStore.Entry(image.height(), image.width(), keys));
                withMaps += keys.length > 0 ? 1 : 0;
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("cams (afa): %d/%d images%n", n, data.size());
                }
            }
        }
        CamStore.writeSource(out, new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), scales, true, false));
        CamStore.writeIndex(out, index);
        return new CamPipeline.CamsResult(index.size(), withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Writes AFA's own pseudo labels ({@link AfaInference#pseudoLabel}) of every image in the SEEDS layout that
     * {@code retrain} reads: {@code <id>.png} (indexed, 255 = ignore), {@code seeds.json}, then {@code seeds.txt}.
     *
     * @return the number of images
     */
    public static int pseudo(Path run, Path dataRoot, String split, Path out, Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        int n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                int[] label = inference.pseudoLabel(image, data.labels(id));
                byte[] bytes = new byte[label.length];
                for (int i = 0; i < label.length; i++) {
                    bytes[i] = (byte) label[i];
                }
                LabelPng.write(out.resolve(id + ".png"), new LabelPng.LabelMap(bytes, image.width(), image.height()));
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("pseudo (afa): %d/%d images%n", n, data.size());
                }
            }
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("method", AfaRun.METHOD);
        source.put("run", run.toAbsolutePath().toString());
        source.put("data", dataRoot.toAbsolutePath().toString());
        source.put("split", split);
        source.put("labels", "cam -> affinity random walk -> PAR, background 0.55/0.35");
        writeJson(out.resolve(CamPipeline.SEEDS_SOURCE), source);
        AtomicFiles.writeString(out.resolve("seeds.txt"), String.join("\n", data.ids()) + "\n");
        return n;
    }

    /**
     * Labels a split with AFA's multi-scale + flip segmentation ({@link AfaInference#segment}) in WeakTr's PRED
     * layout: {@code <id>.png}, {@code overlays/<id>.png} unless {@code pseudo}, {@code pred.json}, then
     * {@code pred.txt}.
     */
    public static SegPipeline.Result segment(Path run, Path dataRoot, String split, Path out, AfaInference.Settings s,
            boolean pseudo, Device device, PrintStream console) {
        AfaRun manifest = AfaRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        long t0 = System.nanoTime();
        int n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                LabelPng.LabelMap labels = inference.segment(image, s).labels();
                LabelPng.write(out.resolve(id + ".png"), labels);
                if (!pseudo) {
                    ImageFiles.write(out.resolve("overlays").resolve(id + ".png"), Overlays.labels(image, labels, 0.6f));
                }
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("segment (afa): %d/%d images%n", n, data.size());
                }
            }
        }
        SegPipeline.Source source = new SegPipeline.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), s.scales(), s.flip(), 0,
                s.crf().map(dev.weaktr.crf.CrfConfig::name).orElse("none"), pseudo);
        try {
            AtomicFiles.writeString(out.resolve(SegPipeline.Source.FILE), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + out.resolve(SegPipeline.Source.FILE) + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out.resolve(SegPipeline.INDEX), String.join("\n", data.ids()) + "\n");
        return new SegPipeline.Result(data.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Segments loose JPEG/PNG files: {@code OUT/<stem>.png} and {@code OUT/<stem>_overlay.png}. */
    public static List<Path> predict(Path run, List<Path> images, Path out, AfaInference.Settings s, Device device) {
        AfaRun.read(run);
        List<Path> written = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            AfaInference inference = new AfaInference(load(run, manager), manager);
            for (Path file : images) {
                RgbImage image = ImageFiles.readRgb(file);
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                LabelPng.LabelMap labels = inference.segment(image, s).labels();
                LabelPng.write(out.resolve(stem + ".png"), labels);
                ImageFiles.write(out.resolve(stem + "_overlay.png"), Overlays.labels(image, labels, 0.6f));
                written.add(out.resolve(stem + ".png"));
            }
        }
        return written;
    }

    private static VocDataset open(AfaRun manifest, Path run, Path dataRoot, String split) {
        VocDataset data = VocDataset.open(dataRoot, split);
        if (!data.classes().names().equals(manifest.classes())) {
            throw new WeaktrException("the run " + run + " was trained on classes " + manifest.classes() + " but " + dataRoot
                    + " has " + data.classes().names());
        }
        return data;
    }

    private static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(value) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
