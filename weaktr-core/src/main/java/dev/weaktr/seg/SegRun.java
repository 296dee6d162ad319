package dev.weaktr.seg;

import dev.weaktr.io.Manifests;
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

    /** The method that made the run ({@code run.json} field {@code method}; absent in older runs, which are WeakTr's). */
    @com.fasterxml.jackson.annotation.JsonProperty("method")
    public String method() {
        return Manifests.WEAKTR;
    }

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static SegRun read(Path dir) {
        return Manifests.read(dir, FILE, FORMAT, SegRun.class,
                "a segmentation run folder (the --out of 'weaktr retrain')");
    }
}
