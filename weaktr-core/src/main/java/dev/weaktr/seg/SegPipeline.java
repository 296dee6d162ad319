package dev.weaktr.seg;

import ai.djl.Device;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.VocDataset;
import dev.weaktr.io.AtomicFiles;
import dev.weaktr.io.ImageFiles;
import dev.weaktr.io.LabelPng;
import dev.weaktr.io.Overlays;
import dev.weaktr.io.RgbImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The segmentation phase's steps after training: label a split ({@code segment}) or loose files ({@code predict}). */
public final class SegPipeline {
    public static final String INDEX = "pred.txt";

    private SegPipeline() {}

    /** Where a PRED folder came from ({@code pred.json}): the dataset split, the run and the inference settings. */
    public record Source(String data, String split, String run, double[] scales, boolean flip, double layerWeight,
            String crf, boolean pseudo) {
        public static final String FILE = "pred.json";

        /** The folder's pred.json, or null when it has none (folders written before it existed). */
        public static Source read(Path dir) {
            Path file = dir.resolve(FILE);
            if (!java.nio.file.Files.isRegularFile(file)) {
                return null;
            }
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), Source.class);
            } catch (java.io.IOException e) {
                throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Summary of a labelling run. */
    public record Result(int images, double seconds) {}

    /**
     * Writes {@code <id>.png} (indexed masks) and, unless {@code pseudo}, {@code overlays/<id>.png} for every
     * image of a split, then {@code pred.txt} (the ids) last. With {@code pseudo} the masks are pseudo labels
     * of a training split (the paper's "labelling tool" use), written without overlays.
     */
    public static Result segment(Path run, Path dataRoot, String split, Path out, SegPredictor.Settings settings,
            boolean pseudo, Device device, PrintStream console) {
        return segment(run, dataRoot, split, out, settings, pseudo, false, device, console);
    }

    /**
     * As above; with {@code saveProbs} also {@code <id>.npy}: float32 [K, H, W], the variant-averaged scores
     * {@code layerWeight·P(block 1) + P(block 2)} (the official {@code --predict-dir} maps, all K classes), which
     * {@code weaktr crf --probs} and other tools read.
     */
    public static Result segment(Path run, Path dataRoot, String split, Path out, SegPredictor.Settings settings,
            boolean pseudo, boolean saveProbs, Device device, PrintStream console) {
        VocDataset data = VocDataset.open(dataRoot, split);
        long t0 = System.nanoTime();
        try (SegPredictor predictor = SegPredictor.open(run, device, settings)) {
            checkClasses(predictor, data);
            int n = 0;
            for (String id : data.ids()) {
                RgbImage image = data.readImage(id);
                SegPredictor.Prediction p = predictor.predict(image);
                write(out, id, image, p.labels(), !pseudo);
                if (saveProbs) {
                    saveProbs(out.resolve(id + ".npy"), p, image);
                }
                if (++n % 50 == 0 || n == data.size()) {
                    console.printf("segment: %d/%d images%n", n, data.size());
                }
            }
        }
        Source source = new Source(dataRoot.toAbsolutePath().toString(), split, run.toAbsolutePath().toString(),
                settings.scales(), settings.flip(), settings.layerWeight(),
                settings.crf().map(dev.weaktr.crf.CrfConfig::name).orElse("none"), pseudo);
        try {
            AtomicFiles.writeString(out.resolve(Source.FILE), new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter().writeValueAsString(source) + "\n");
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot write " + out.resolve(Source.FILE) + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out.resolve(INDEX), String.join("\n", data.ids()) + "\n");
        return new Result(data.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Segments arbitrary JPEG/PNG files (any size); writes {@code <stem>.png} and {@code <stem>_overlay.png}. */
    public static List<Path> predict(Path run, List<Path> images, Path out, SegPredictor.Settings settings, Device device) {
        return predict(run, images, out, settings, false, device);
    }

    /** As above; with {@code saveProbs} also {@code <stem>.npy} (see {@link #segment}). */
    public static List<Path> predict(Path run, List<Path> images, Path out, SegPredictor.Settings settings, boolean saveProbs,
            Device device) {
        List<Path> written = new ArrayList<>();
        try (SegPredictor predictor = SegPredictor.open(run, device, settings)) {
            for (Path file : images) {
                RgbImage image = ImageFiles.readRgb(file);
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                SegPredictor.Prediction p = predictor.predict(image);
                LabelPng.LabelMap labels = p.labels();
                if (saveProbs) {
                    saveProbs(out.resolve(stem + ".npy"), p, image);
                }
                LabelPng.write(out.resolve(stem + ".png"), labels);
                ImageFiles.write(out.resolve(stem + "_overlay.png"), Overlays.labels(image, labels, 0.6f));
                written.add(out.resolve(stem + ".png"));
            }
        }
        return written;
    }

    private static void saveProbs(Path file, SegPredictor.Prediction p, RgbImage image) {
        dev.weaktr.io.Npy.write(file, p.scores(), p.numClasses(), image.height(), image.width()); // [K, H, W]
    }

    private static void write(Path out, String id, RgbImage image, LabelPng.LabelMap labels, boolean overlay) {
        LabelPng.write(out.resolve(id + ".png"), labels);
        if (overlay) {
            ImageFiles.write(out.resolve("overlays").resolve(id + ".png"), Overlays.labels(image, labels, 0.6f));
        }
    }

    private static void checkClasses(SegPredictor predictor, VocDataset data) {
        if (!predictor.classes().equals(data.classes().names())) {
            throw new WeaktrException("the run was trained on classes " + predictor.classes() + " but " + data.root()
                    + " has " + data.classes().names());
        }
    }
}
