package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private local folder for one task (or the driver): inputs are staged into it, outputs written in it first. */
final class Scratch implements AutoCloseable {
    private final Path dir;

    Scratch() {
        try {
            dir = Files.createTempDirectory("weaktr-spark-");
        } catch (IOException e) {
            throw new WeaktrException("cannot create a temporary folder in " + System.getProperty("java.io.tmpdir") + ": "
                    + e.getMessage(), e);
        }
    }

    Path dir() {
        return dir;
    }

    Path resolve(String relative) {
        return dir.resolve(relative);
    }

    /** Deletes a staged file as soon as it is used (the folder is removed at close anyway). */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // removed with the folder
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(Scratch::delete);
        } catch (IOException ignored) {
            // a temporary folder left behind is not an error of the job
        }
    }
}
