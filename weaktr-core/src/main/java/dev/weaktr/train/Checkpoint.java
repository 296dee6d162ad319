package dev.weaktr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.weaktr.WeaktrException;
import dev.weaktr.io.SafeTensors;
import dev.weaktr.nn.Parameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file, written atomically: the model tensors under their
 * official names, the optimizer moments under {@code optimizer.*}, and the progress as metadata
 * ({@code epoch} = epochs completed, {@code step} = optimizer steps).
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";

    private Checkpoint() {}

    /**
     * The checkpoint path of {@code run}, after checking it fits the command: a new run must not overwrite a
     * trained one, and {@code --resume} needs a checkpoint to continue from.
     */
    public static Path forRun(Path run, boolean resume) {
        Path ckpt = run.resolve(FILE);
        if (resume && !java.nio.file.Files.exists(ckpt)) {
            throw new WeaktrException("--resume: " + run + " has no " + FILE + " to resume from");
        }
        if (!resume && java.nio.file.Files.exists(ckpt)) {
            throw new WeaktrException(run + " already holds a trained run; pass --resume to continue it, or choose a new --out");
        }
        return ckpt;
    }

    /** A run folder's {@code checkpoint.safetensors}, which must exist (else one line naming the run, exit 2). */
    public static Path of(Path run) {
        Path ckpt = run.resolve(FILE);
        if (!java.nio.file.Files.isRegularFile(ckpt)) {
            throw new WeaktrException(run + " has no " + FILE + " (training not started, or the folder is incomplete)");
        }
        return ckpt;
    }

    /**
     * Writes an imported official checkpoint as a new run folder's {@code checkpoint.safetensors} (no optimizer state,
     * 0 epochs): the folder is created, and one that already holds a run is refused (one line, exit 2).
     */
    public static void saveImported(Path out, Parameters params, String task, Path importedFrom) {
        try {
            java.nio.file.Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new WeaktrException("cannot create " + out + ": " + e.getMessage(), e);
        }
        if (java.nio.file.Files.exists(out.resolve(FILE))) {
            throw new WeaktrException(out + " already holds a run; choose a new --out");
        }
        save(out.resolve(FILE), params, null, 0, Map.of("task", task, "imported_from", importedFrom.toAbsolutePath().toString()));
    }

    public static void save(Path file, Parameters params, Optimizer optimizer, int epochsDone, Map<String, String> extra) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        params.all().forEach((name, t) -> put(tensors, shapes, name, t));
        if (optimizer != null) {
            optimizer.state().forEach((name, t) -> put(tensors, shapes, name, t));
        }
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put("format", "weaktr-checkpoint-1");
        meta.put("epoch", Integer.toString(epochsDone));
        meta.put("step", Long.toString(optimizer == null ? 0 : optimizer.step()));
        SafeTensors.write(file, tensors, shapes, meta);
    }

    private static void put(Map<String, float[]> tensors, Map<String, long[]> shapes, String name, NDArray t) {
        try (NDArray f = t.toType(DataType.FLOAT32, true)) {
            tensors.put(name, f.toFloatArray());
        }
        shapes.put(name, t.getShape().getShape());
    }

    /** Loads model weights (and, when given, the optimizer state); returns the file's metadata. */
    public static Map<String, String> load(Path file, Parameters params, Optimizer optimizer) {
        SafeTensors.Content c = SafeTensors.read(file);
        params.load(c.tensors(), c.shapes(), file.toString());
        if (optimizer != null) {
            for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
                float[] v = c.tensors().get(e.getKey());
                if (v == null) {
                    throw new WeaktrException(file + ": no optimizer state '" + e.getKey() + "'; cannot --resume from it");
                }
                try (NDArray src = e.getValue().getManager().create(v, e.getValue().getShape())) {
                    e.getValue().set(src.toType(e.getValue().getDataType(), false).toByteBuffer());
                }
            }
            optimizer.setStep(Long.parseLong(c.metadata().getOrDefault("step", "0")));
        }
        return c.metadata();
    }
}
