package dev.weaktr.seg;

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
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The folders a peer method's own inference writes, in WeakTr's layouts so that {@code eval-cam}, {@code seeds},
 * {@code eval} and {@code retrain} read them unchanged: CAMS ({@link #writeCams}), SEEDS ({@link #writeSeeds}), PRED
 * ({@link #writePred}) and masks of loose files ({@link #writePredictions}). The method supplies one image's result.
 */
public final class MethodOutputs {
    private MethodOutputs() {}

    /** One image's class maps: {@code [C, H, W]} row-major, every foreground class. */
    @FunctionalInterface
    public interface CamSource {
        float[] cams(String id, RgbImage image);
    }

    /** One image's label map: 0..C or 255. */
    @FunctionalInterface
    public interface Labeller {
        LabelPng.LabelMap label(String id, RgbImage image);
    }

    /**
     * The CAMS layout: the labelled classes' maps {@code <id>.npy} [K, H, W], {@code overlays/<id>.png},
     * {@code cams.json}, then {@code cams.tsv}.
     */
    public static CamPipeline.CamsResult writeCams(VocDataset data, Path out, CamStore.Source source, CamSource maps,
            String tag, PrintStream console) {
        long t0 = System.nanoTime();
        Map<String, CamStore.Entry> index = new LinkedHashMap<>();
        int withMaps = 0, n = 0;
        for (String id : data.ids()) {
            RgbImage image = data.readImage(id);
            int[] keys = data.labelIndices(id);
            int plane = image.height() * image.width();
            float[] kept = new float[keys.length * plane];
            if (keys.length > 0) {
                float[] all = maps.cams(id, image);
                for (int j = 0; j < keys.length; j++) {
                    System.arraycopy(all, (keys[j] - 1) * plane, kept, j * plane, plane);
                }
            }
            CamInference.Cams cams = new CamInference.Cams(keys, kept, image.height(), image.width());
            CamStore.writeMaps(out, id, cams);
            ImageFiles.write(out.resolve("overlays").resolve(id + ".png"),
                    Overlays.heatmap(image, CamPipeline.maxOverClasses(cams), 0.5f));
            index.put(id, new CamStore.Entry(image.height(), image.width(), keys));
            withMaps += keys.length > 0 ? 1 : 0;
            if (++n % 50 == 0 || n == data.size()) {
                console.printf("cams (%s): %d/%d images%n", tag, n, data.size());
            }
        }
        CamStore.writeSource(out, source);
        CamStore.writeIndex(out, index);
        return new CamPipeline.CamsResult(index.size(), withMaps, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The SEEDS layout {@code retrain} reads: {@code <id>.png} (indexed, 255 = ignore), {@code seeds.json} (the
     * {@code source} map), then {@code seeds.txt}.
     *
     * @return the number of images
     */
    public static int writeSeeds(VocDataset data, Path out, Map<String, Object> source, Labeller labels, String tag,
            PrintStream console) {
        int n = 0;
        for (String id : data.ids()) {
            LabelPng.write(out.resolve(id + ".png"), labels.label(id, data.readImage(id)));
            if (++n % 50 == 0 || n == data.size()) {
                console.printf("pseudo (%s): %d/%d images%n", tag, n, data.size());
            }
        }
        writeJson(out.resolve(CamPipeline.SEEDS_SOURCE), source);
        AtomicFiles.writeString(out.resolve("seeds.txt"), String.join("\n", data.ids()) + "\n");
        return n;
    }

    /**
     * The PRED layout: {@code <id>.png}, {@code overlays/<id>.png} unless {@code pseudo}, {@code pred.json}, then
     * {@code pred.txt}.
     */
    public static SegPipeline.Result writePred(VocDataset data, Path out, SegPipeline.Source source, boolean pseudo,
            Labeller labeller, String tag, PrintStream console) {
        long t0 = System.nanoTime();
        int n = 0;
        for (String id : data.ids()) {
            RgbImage image = data.readImage(id);
            LabelPng.LabelMap labels = labeller.label(id, image);
            LabelPng.write(out.resolve(id + ".png"), labels);
            if (!pseudo) {
                ImageFiles.write(out.resolve("overlays").resolve(id + ".png"), Overlays.labels(image, labels, 0.6f));
            }
            if (++n % 50 == 0 || n == data.size()) {
                console.printf("segment (%s): %d/%d images%n", tag, n, data.size());
            }
        }
        writeJson(out.resolve(SegPipeline.Source.FILE), source);
        AtomicFiles.writeString(out.resolve(SegPipeline.INDEX), String.join("\n", data.ids()) + "\n");
        return new SegPipeline.Result(data.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Masks of loose JPEG/PNG files: {@code OUT/<stem>.png} and {@code OUT/<stem>_overlay.png}. */
    public static List<Path> writePredictions(List<Path> images, Path out, Labeller labeller) {
        List<Path> written = new ArrayList<>();
        for (Path file : images) {
            RgbImage image = ImageFiles.readRgb(file);
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            LabelPng.LabelMap labels = labeller.label(stem, image);
            LabelPng.write(out.resolve(stem + ".png"), labels);
            ImageFiles.write(out.resolve(stem + "_overlay.png"), Overlays.labels(image, labels, 0.6f));
            written.add(out.resolve(stem + ".png"));
        }
        return written;
    }

    /** A label map from {@code int} labels (0..C, 255) of a {@code width × height} image. */
    public static LabelPng.LabelMap labelMap(int[] label, int width, int height) {
        byte[] bytes = new byte[label.length];
        for (int i = 0; i < label.length; i++) {
            bytes[i] = (byte) label[i];
        }
        return new LabelPng.LabelMap(bytes, width, height);
    }

    /** Opens a split and checks it has the classes a run was trained on. */
    public static VocDataset open(List<String> runClasses, Path run, Path dataRoot, String split) {
        VocDataset data = VocDataset.open(dataRoot, split);
        if (!data.classes().names().equals(runClasses)) {
            throw new WeaktrException("the run " + run + " was trained on classes " + runClasses + " but " + dataRoot
                    + " has " + data.classes().names());
        }
        return data;
    }

    /** Pretty JSON, written atomically. */
    public static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(value) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
