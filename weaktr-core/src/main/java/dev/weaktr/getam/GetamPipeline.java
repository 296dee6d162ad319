package dev.weaktr.getam;

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
        Path ckpt = run.resolve(Checkpoint.FILE);
        if (!Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + Checkpoint.FILE + " (training not started, or the folder is incomplete)");
        }
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
     * Writes the multi-size GETAM map ({@link GetamInference#cam}) of every image in WeakTr's CAMS layout: the image's
     * labelled classes' maps {@code <id>.npy} [K, H, W] in [0, 1), {@code overlays/<id>.png}, {@code cams.json}, then
     * {@code cams.tsv}.
     */
    public static CamPipeline.CamsResult cams(Path run, Path dataRoot, String split, Path out, int[] sizes,
            Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        long t0 = System.nanoTime();
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        int withMaps = 0, n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                int[] keys = data.labelIndices(id);
                int plane = image.height() * image.width();
                float[] maps = new float[keys.length * plane];
                if (keys.length > 0) {
                    float[] all = inference.cam(image, data.labels(id), sizes); // [C, H, W]
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
                    console.printf("cams (getam): %d/%d images%n", n, data.size());
                }
            }
        }
        CamStore.writeSource(out, new CamStore.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), Arrays.stream(sizes).asDoubleStream().toArray(), false, false));
        CamStore.writeIndex(out, index);
        return new CamPipeline.CamsResult(index.size(), withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Writes GETAM's completed labels ({@link GetamInference#pseudoLabel}) of every image in the SEEDS layout that
     * {@code retrain} reads: {@code <id>.png} (indexed, 255 = ignore), {@code seeds.json}, then {@code seeds.txt}.
     * Every saliency map is checked (present, same size as its image) before the first image is labelled.
     *
     * @param saliencyDir one PNG per image ({@code <id>.png}), or null for the image-level-only form
     * @return the number of images
     */
    public static int pseudo(Path run, Path dataRoot, String split, Path out, Path saliencyDir, int[] sizes,
            Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        SaliencyMaps saliency = saliencyDir == null ? null : new SaliencyMaps(saliencyDir);
        if (saliency != null) {
            saliency.requireAll(data.ids());
            for (String id : data.ids()) { // fail before any work on a map of another size
                RgbImage image = data.readImage(id);
                saliency.read(id, image.width(), image.height());
            }
        }
        Pamr pamr = Pamr.official();
        int n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                float[] sal = saliency == null ? null : saliency.read(id, image.width(), image.height());
                int[] label = inference.pseudoLabel(image, data.labels(id), sal, sizes, pamr);
                byte[] bytes = new byte[label.length];
                for (int i = 0; i < label.length; i++) {
                    bytes[i] = (byte) label[i];
                }
                LabelPng.write(out.resolve(id + ".png"), new LabelPng.LabelMap(bytes, image.width(), image.height()));
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("pseudo (getam): %d/%d images%n", n, data.size());
                }
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
        writeJson(out.resolve(CamPipeline.SEEDS_SOURCE), source);
        AtomicFiles.writeString(out.resolve("seeds.txt"), String.join("\n", data.ids()) + "\n");
        return n;
    }

    /**
     * Labels a split with GETAM's multi-size segmentation ({@link GetamInference#segment}) in WeakTr's PRED layout:
     * {@code <id>.png}, {@code overlays/<id>.png} unless {@code pseudo}, {@code pred.json}, then {@code pred.txt}.
     */
    public static SegPipeline.Result segment(Path run, Path dataRoot, String split, Path out, GetamInference.Settings s,
            boolean pseudo, Device device, PrintStream console) {
        GetamRun manifest = GetamRun.read(run);
        VocDataset data = open(manifest, run, dataRoot, split);
        long t0 = System.nanoTime();
        int n = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                LabelPng.LabelMap labels = inference.segment(image, s).labels();
                LabelPng.write(out.resolve(id + ".png"), labels);
                if (!pseudo) {
                    ImageFiles.write(out.resolve("overlays").resolve(id + ".png"), Overlays.labels(image, labels, 0.6f));
                }
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("segment (getam): %d/%d images%n", n, data.size());
                }
            }
        }
        SegPipeline.Source source = new SegPipeline.Source(dataRoot.toAbsolutePath().toString(), split,
                run.toAbsolutePath().toString(), Arrays.stream(s.sizes()).asDoubleStream().toArray(), false, 0,
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
    public static List<Path> predict(Path run, List<Path> images, Path out, GetamInference.Settings s, Device device) {
        GetamRun.read(run);
        List<Path> written = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            GetamInference inference = new GetamInference(load(run, manager), manager);
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

    private static VocDataset open(GetamRun manifest, Path run, Path dataRoot, String split) {
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
