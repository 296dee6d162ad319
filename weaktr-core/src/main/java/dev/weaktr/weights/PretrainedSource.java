package dev.weaktr.weights;

import dev.weaktr.WeaktrException;
import dev.weaktr.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a {@code --pretrained} argument into a file, never downloading: an existing file is itself; a
 * {@code weaktr pretrain} run folder is its {@code backbone.safetensors};
 * {@code builtin:NAME} is a weights file shipped inside weaktr (extracted once into the cache folder);
 * a name of {@link WeightRegistry} is its file in the {@link WeightCache}, which {@code weaktr weights get NAME}
 * must have put there. Anything else is returned unchanged, so the loaders report the missing file.
 */
public final class PretrainedSource {
    /** Resource folder of the shipped weights: {@code builtin:cpu-demo} is {@code cpu-demo.safetensors} there. */
    public static final String BUILTIN_RESOURCES = "/dev/weaktr/weights/builtin/";
    public static final String BUILTIN_PREFIX = "builtin:";

    private PretrainedSource() {}

    public static Path resolve(Path arg) {
        return resolve(arg, WeightRegistry.standard(), WeightCache.standard());
    }

    public static Path resolve(Path arg, WeightRegistry registry, WeightCache cache) {
        if (arg != null && Files.isDirectory(arg) && Files.isRegularFile(arg.resolve("backbone.safetensors"))) {
            return arg.resolve("backbone.safetensors"); // a 'weaktr pretrain' run folder
        }
        if (arg == null || Files.exists(arg)) {
            return arg;
        }
        String s = arg.toString();
        if (s.startsWith(BUILTIN_PREFIX)) {
            return builtin(s.substring(BUILTIN_PREFIX.length()), cache);
        }
        if (registry.find(s).isPresent()) {
            PublishedWeights w = registry.get(s);
            return cache.cached(w).orElseThrow(() -> new WeaktrException("--pretrained " + s + ": not in the weights cache "
                    + cache.dir() + "; run 'weaktr weights get " + s + "' first (weaktr never downloads implicitly)"));
        }
        return arg;
    }

    /** The shipped weights {@code name}, copied out of the jar into {@code cache/builtin-NAME.safetensors}. */
    static Path builtin(String name, WeightCache cache) {
        String resource = BUILTIN_RESOURCES + name + ".safetensors";
        try (InputStream in = PretrainedSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new WeaktrException("--pretrained builtin:" + name + ": this weaktr ships no such weights"
                        + " (see docs/pretrain.md for how they are made)");
            }
            byte[] bytes = in.readAllBytes();
            Path out = cache.dir().resolve("builtin-" + name + ".safetensors");
            if (!Files.isRegularFile(out) || Files.size(out) != bytes.length
                    || !java.util.Arrays.equals(Files.readAllBytes(out), bytes)) {
                Files.createDirectories(cache.dir());
                AtomicFiles.writeBytes(out, bytes);
            }
            return out;
        } catch (IOException e) {
            throw new WeaktrException("cannot extract builtin:" + name + " into " + cache.dir() + ": " + e.getMessage(), e);
        }
    }
}
