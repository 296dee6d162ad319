package dev.weaktr.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.weaktr.cam.CamPipeline;
import dev.weaktr.cam.WeakTrCamNet;
import dev.weaktr.seg.SegPredictor;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;

/**
 * The models of one executor JVM: each is loaded once, lazily, by the first task that needs it, keyed by its run
 * folder's URI (and checkpoint), and then shared by every task of the JVM, concurrent ones included (inference
 * only reads the weights; each task keeps its own per-image state). They live as long as the JVM.
 */
public final class ExecutorModels {
    private static final Map<String, Object> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {}

    /** The CAM network of a run (manager: the JVM-long one its weights live in). */
    record Cam(WeakTrCamNet net, NDManager manager) {}

    static Cam cam(RemoteFiles run, String checkpoint) {
        return (Cam) MODELS.computeIfAbsent("cam " + run.uri() + " " + checkpoint, key -> {
            try (Scratch copy = new Scratch()) { // the weights are in libtorch's memory once loaded
                Path local = Staging.run(run, copy.dir());
                NDManager manager = NDManager.newBaseManager(Device.cpu());
                WeakTrCamNet net = Staging.inTermsOf(run, local, () -> CamPipeline.load(local, manager, checkpoint));
                LOADS.incrementAndGet();
                return new Cam(net, manager);
            }
        });
    }

    /** The segmentation predictor of a run; callers {@link SegPredictor#fork() fork} it per task. */
    static SegPredictor seg(RemoteFiles run, SegPredictor.Settings settings) {
        String key = "seg " + run.uri() + " " + settings.checkpoint() + " " + java.util.Arrays.toString(settings.scales())
                + " " + settings.flip() + " " + settings.layerWeight() + " " + settings.crf().map(c -> c.name()).orElse("none")
                + " " + settings.maxMemory();
        return (SegPredictor) MODELS.computeIfAbsent(key, k -> {
            try (Scratch copy = new Scratch()) {
                Path local = Staging.run(run, copy.dir());
                SegPredictor p = Staging.inTermsOf(run, local, () -> SegPredictor.open(local, Device.cpu(), settings));
                LOADS.incrementAndGet();
                return p;
            }
        });
    }

    /** How many models this JVM has loaded (tests check that it is one per run, not one per task or image). */
    public static int loads() {
        return LOADS.get();
    }

    /**
     * Sets libtorch's intra-op threads of the calling task thread to the task's cores ({@code spark.task.cpus},
     * default 1), so that the tasks running side by side in one executor share its cores instead of
     * oversubscribing them.
     */
    static void useTaskCores() {
        TaskContext task = TaskContext.get();
        int cores = task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
        JniUtils.setNumThreads(cores);
    }
}
