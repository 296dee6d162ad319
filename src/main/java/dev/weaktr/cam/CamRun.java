package dev.weaktr.cam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weaktr.WeaktrException;
import dev.weaktr.data.ClassList;
import dev.weaktr.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
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
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClassList classList() {
        return ClassList.of(classes);
    }

    public void write(Path dir) {
        try {
            AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new WeaktrException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    public static CamRun read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new WeaktrException("not a CAM run folder: " + dir + " has no " + FILE
                    + " (expected the --out folder of 'weaktr train-cam')");
        }
        try {
            CamRun run = JSON.readValue(file.toFile(), CamRun.class);
            if (!FORMAT.equals(run.format())) {
                throw new WeaktrException(file + " is a '" + run.format() + "' manifest, not a CAM run (" + FORMAT + ")");
            }
            return run;
        } catch (IOException e) {
            throw new WeaktrException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
