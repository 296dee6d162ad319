package dev.weaktr.seg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A segmentation run folder's manifest ({@code run.json}): the model shape, the classes (background
 * first), the normalisation, the recipe and where the data and seeds came from. {@code segment} and
 * {@code predict} need nothing else.
 */
public record SegRun(String format, SegmenterConfig net, List<String> classes, SegTrainConfig train, String data,
        String split, String seeds, String initFrom, double[] mean, double[] std) {
    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-seg-run-1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path dir) {
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    public static SegRun read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("not a segmentation run folder: " + dir + " has no " + FILE
                    + " (expected the --out folder of 'weaktr retrain')");
        }
        try {
            SegRun run = JSON.readValue(file.toFile(), SegRun.class);
            if (!FORMAT.equals(run.format())) {
                throw new WeaktrException(file + " is a '" + run.format() + "' manifest, not a segmentation run ("
                        + FORMAT + "); CAM runs are used by 'weaktr cams'");
            }
            return run;
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
