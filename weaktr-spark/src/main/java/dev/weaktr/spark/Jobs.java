package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import java.nio.ByteBuffer;
import org.apache.spark.api.java.JavaSparkContext;

/** Small helpers the jobs share. */
final class Jobs {
    private Jobs() {}

    /**
     * Partitions for {@code n} images: four per task slot (so that a slow image does not leave the other slots
     * idle at the end), at most one per image.
     */
    static int slices(JavaSparkContext sc, int n) {
        return Math.max(1, Math.min(n, 4 * sc.defaultParallelism()));
    }

    /** {width, height} of a PNG from its IHDR chunk (the first 24 bytes), without decoding it. */
    static int[] pngSize(RemoteFiles dir, String name) {
        byte[] head = dir.readPrefix(name, 24);
        if (head.length < 24 || (head[0] & 0xff) != 0x89 || head[1] != 'P' || head[12] != 'I' || head[13] != 'H') {
            throw new WeaktrException(dir + "/" + name + " is not a PNG file (an earlier, interrupted job? delete it)");
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        return new int[] {b.getInt(16), b.getInt(20)};
    }
}
