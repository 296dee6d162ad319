package dev.weaktr.cam;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.data.AugmentConfig;
import dev.weaktr.data.Synth;
import dev.weaktr.data.SynthConfig;
import dev.weaktr.nn.Parameters;
import dev.weaktr.nn.VitConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Speed of the CAM phase: the bare forward+backward of the network on random tensors, the full training
 * step of {@link CamTrainer} (data decoding and augmentation, forward, three losses, backward, AdamW) on a
 * generated dataset, and multi-scale CAM inference.
 */
public final class CamBenchmark {
    private CamBenchmark() {}

    /** One row of the table; times in milliseconds (medians). */
    public record Row(String model, int size, int batch, double bareMs, double fullMs, double camImagesPerSecond) {
        public double overheadPercent() {
            return 100 * (fullMs / bareMs - 1);
        }
    }

    public static Row run(VitConfig vit, int size, int batch, int steps, Path work, Device device, PrintStream log) {
        int classes = Synth.classes().numForeground();
        CamNetConfig net = new CamNetConfig(vit.withImageSize(size), classes, "aaf", AafConfig.DEFAULT);
        double bare = bareForwardBackward(net, size, batch, steps, device);
        log.printf("%s: bare forward+backward %.0f ms%n", vit.name(), bare * 1000);

        Path data = work.resolve(vit.name() + "-data");
        int images = (steps + 2) * batch;
        Synth.generate(SynthConfig.of(images, 0, size, 1), data);
        CamTrainConfig cfg = new CamTrainConfig(1, batch, 4e-4, 1e-6, 1e-5, 0, 0.05, 0,
                new AugmentConfig(size, 0.08, 1, 0.75, 4.0 / 3, 0.5, 0.4, 0.4, 0.4), 0);
        Path run = work.resolve(vit.name() + "-run");
        CamTrainer.Result r = new CamTrainer(new PrintStream(PrintStream.nullOutputStream()))
                .train(data, "train", run, net, cfg, device, false);
        log.printf("%s: full train step %.0f ms%n", vit.name(), r.medianStepSeconds() * 1000);

        int camImages = Math.min(images, 8);
        Path split = data.resolve("ImageSets/Segmentation/bench.txt");
        dev.weaktr.io.AtomicFiles.writeString(split, String.join("\n",
                dev.weaktr.data.VocDataset.open(data, "train").ids().subList(0, camImages)) + "\n");
        CamPipeline.CamsResult cams = CamPipeline.generate(run, data, "bench", work.resolve(vit.name() + "-cams"),
                new double[] {1.0, 0.8, 1.2}, true, true, device, new PrintStream(PrintStream.nullOutputStream()));
        return new Row(vit.name(), size, batch, bare * 1000, r.medianStepSeconds() * 1000, cams.images() / cams.seconds());
    }

    /** Median seconds of forward + three losses + backward on random data (2 warm-up steps). */
    static double bareForwardBackward(CamNetConfig net, int size, int batch, int steps, Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            WeakTrCamNet model = new WeakTrCamNet(p, net);
            SplittableRandom rng = new SplittableRandom(0);
            float[] x = new float[batch * 3 * size * size];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            float[] y = new float[batch * net.numClasses()];
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(2);
            }
            List<Double> times = new ArrayList<>();
            for (int s = 0; s < steps + 2; s++) {
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray images = m.create(x, new Shape(batch, 3, size, size));
                    NDArray targets = m.create(y, new Shape(batch, net.numClasses()));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        WeakTrCamNet.Output out = model.forward(images, rng);
                        gc.backward(CamLoss.compute(out, targets, true).total());
                    }
                }
                if (s >= 2) {
                    times.add((System.nanoTime() - t0) / 1e9);
                }
            }
            return dev.weaktr.train.Batches.median(times);
        }
    }
}
