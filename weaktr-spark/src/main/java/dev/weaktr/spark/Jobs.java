package dev.weaktr.spark;

import dev.weaktr.WeaktrException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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

    /**
     * Runs a job that writes into {@code out} (and its {@code subfolders}): first deletes the temporary files a killed
     * earlier run left; if the job fails, waits for its tasks still running (each stops after the image it is
     * writing, whose files are renamed whole or deleted) and deletes any temporary file left, so that the folder
     * holds only whole files, then rethrows.
     */
    static <T> T writing(JavaSparkContext sc, RemoteFiles out, List<String> subfolders, Supplier<T> job) {
        sweep(out, subfolders);
        try {
            return job.get();
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared by the Java API's collect()
            awaitNoRunningTasks(sc, 120_000);
            try {
                sweep(out, subfolders);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private static void sweep(RemoteFiles out, List<String> subfolders) {
        out.deleteTemporaries("");
        for (String sub : subfolders) {
            out.deleteTemporaries(sub);
        }
    }

    /** Partitions being written by tasks in this JVM (the driver's own in local mode). */
    private static final AtomicInteger WRITING = new AtomicInteger();

    /** Runs one task's partition, counted in {@link #WRITING} while it runs. */
    static <T> java.util.Iterator<T> counted(java.util.concurrent.Callable<java.util.Iterator<T>> partition) throws Exception {
        WRITING.incrementAndGet();
        try {
            return partition.call();
        } finally {
            WRITING.decrementAndGet();
        }
    }

    /**
     * Waits (at most {@code millis}) until the tasks of this JVM stopped writing: after a failure Spark kills the
     * job's other tasks, and each stops only after the image it is writing (whose files are then whole). Tasks on
     * other executors' JVMs (a cluster) are not waited for: a temporary file they leave is removed by the next run.
     */
    static void awaitNoRunningTasks(JavaSparkContext sc, long millis) {
        long until = System.currentTimeMillis() + millis;
        try {
            // a killed task runs on until it next looks at its input, and one launched just before the failure may
            // not have reached its partition yet: wait until no executor reports a running task and this JVM's
            // writers have been idle for 2 s in a row
            int idle = 0;
            while (idle < 20 && System.currentTimeMillis() < until) {
                idle = WRITING.get() > 0 || runningTasks(sc) > 0 ? 0 : idle + 1;
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether Spark killed this task (its job failed or was cancelled): it stops before its next image. */
    static boolean killed() {
        org.apache.spark.TaskContext t = org.apache.spark.TaskContext.get();
        return t != null && t.isInterrupted();
    }

    /** Tasks the executors report running (killed ones included until their thread ends). */
    private static int runningTasks(JavaSparkContext sc) {
        int n = 0;
        for (org.apache.spark.SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
            n += e.numRunningTasks();
        }
        return n;
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
