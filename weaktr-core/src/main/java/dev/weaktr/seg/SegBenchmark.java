package dev.weaktr.seg;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Speed of one retraining encoder inside the Segmenter (random weights, random input): the bare
 * forward+backward of a training step (batch 1, drop path on) and inference images/s (both decoder layers, as
 * the test-time "multi" prediction), at {@code size}×{@code size}.
 */
public final class SegBenchmark {
    private SegBenchmark() {}

    /** One row; times are medians after 2 warm-up runs. */
    public record Row(String encoder, int size, int batch, double fwdBwdMs, double imagesPerSecond) {}

    public static Row run(VitConfig encoder, int size, int steps, Device device) {
        SegmenterConfig net = SegmenterConfig.of(encoder.withImageSize(size), 21);
        try (NDManager m = NDManager.newBaseManager(device)) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            Segmenter model = new Segmenter(p, net);
            float[] x = new float[3 * size * size];
            SplittableRandom rng = new SplittableRandom(0);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            List<Double> train = new ArrayList<>(), infer = new ArrayList<>();
            for (int s = 0; s < steps + 2; s++) {
                double a = timed(() -> trainStep(model, p, m, x, size, rng));
                double b = timed(() -> inference(model, m, x, size));
                if (s >= 2) {
                    train.add(a);
                    infer.add(b);
                }
            }
            return new Row(encoder.name(), size, 1, median(train) * 1000, 1 / median(infer));
        }
    }

    private static void trainStep(Segmenter model, Parameters p, NDManager m, float[] x, int size, SplittableRandom rng) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray in = m.create(x, new Shape(1, 3, size, size));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(in, rng, false).get(0);
                gc.backward(logits.mean());
            }
            p.all().values().iterator().next().getGradient().sum().getFloat(); // wait for the device
        }
    }

    private static void inference(Segmenter model, NDManager m, float[] x, int size) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray in = m.create(x, new Shape(1, 3, size, size));
            List<NDArray> out = model.forward(in, null, true);
            out.get(out.size() - 1).toType(DataType.FLOAT32, false).toFloatArray(); // wait for the device
        }
    }

    private static double timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
