package dev.weaktr.cam;

import dev.weaktr.data.ClassList;
import dev.weaktr.io.Manifests;
import java.nio.file.Path;
import java.util.List;

/**
 * A CAM run folder's manifest ({@code run.json}): everything a later step needs to rebuild the network
 * and interpret its outputs, without the flags of the training command.
 *
 * <p>{@code pretrained}: the weights file the run started from ({@code train-cam --pretrained}) or was
 * imported from ({@code weaktr import}; then {@code train} is null); null when trained from scratch.
 */
public record CamRun(
        String format, String weaktrVersion, CamNetConfig net, List<String> classes, CamTrainConfig train,
        String data, String split, String device, String pretrained) {

    /** A run without pretrained weights. */
    public CamRun(String format, String weaktrVersion, CamNetConfig net, List<String> classes, CamTrainConfig train,
            String data, String split, String device) {
        this(format, weaktrVersion, net, classes, train, data, split, device, null);
    }

    public static final String FILE = "run.json";
    public static final String FORMAT = "weaktr-cam-run-1";

    public ClassList classList() {
        return ClassList.of(classes);
    }

    /** The method that made the run ({@code run.json} field {@code method}; absent in older runs, which are WeakTr's). */
    @com.fasterxml.jackson.annotation.JsonProperty("method")
    public String method() {
        return Manifests.WEAKTR;
    }

    public void write(Path dir) {
        Manifests.write(dir.resolve(FILE), this);
    }

    public static CamRun read(Path dir) {
        return Manifests.read(dir, FILE, FORMAT, CamRun.class, "a CAM run folder (the --out of 'weaktr train-cam')");
    }
}
