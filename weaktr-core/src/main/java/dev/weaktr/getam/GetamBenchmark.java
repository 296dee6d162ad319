package dev.weaktr.getam;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.weaktr.backbone.DptVitConfig;
import dev.weaktr.cam.CamLoss;
import dev.weaktr.nn.Parameters;
import dev.weaktr.train.Batches;
import dev.weaktr.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code weaktr bench --getam}: GETAM's costs on random weights and images (20 classes, 2 present per image):
 * the classification forward, the full forward (both heads), one per-class backward for the GETAM map, and a
 * phase-2 training step (classification forward, the per-class backwards, PAMR and label completion, the second
 * forward, CE + saliency + dense-CRF + classification loss, backward, SGD update). Medians after one warm-up. DPT's official 256
 * decoder features (64 for cpu-demo, as {@code train --method getam}).
 */
public final class GetamBenchmark {
    private GetamBenchmark() {}

    /**
     * One row; times in milliseconds per batch, the per-class backward per image and class (the GETAM map's time less
     * one classification forward, divided by the present classes).
     */
    public record Row(String backbone, int size, int batch, double clsForwardMs, double forwardMs,
            double perClassBackwardMs, double trainStepMs) {}

    public static Row run(DptVitConfig backbone, int size, int batch, int steps, Device device) {
        int classes = 20;
        GetamConfig cfg = new GetamConfig(backbone, classes, backbone.name().equals("cpu-demo") ? 64 : 256);
        try (NDManager m = NDManager.newBaseManager(device)) {
            Parameters p = new Parameters(m, DataType.FLOAT32, 0);
            GetamNet net = new GetamNet(p, cfg);
            Sgd sgd = new Sgd(p, 5e-4, false, 0, name -> 1.0);
            SplittableRandom rng = new SplittableRandom(0);
            float[] pixels = new float[batch * 3 * size * size];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) rng.nextGaussian();
            }
            boolean[][] present = new boolean[batch][classes];
            float[] targets = new float[batch * classes];
            for (int i = 0; i < batch; i++) {
                for (int k : new int[] {rng.nextInt(classes), rng.nextInt(classes)}) {
                    present[i][k] = true;
                    targets[i * classes + k] = 1;
                }
            }
            int presentCount = 0;
            for (boolean[] row : present) {
                for (boolean v : row) {
                    presentCount += v ? 1 : 0;
                }
            }
            int start = GetamMap.startLayer(backbone);
            List<Double> cls = new ArrayList<>(), fwd = new ArrayList<>(), perClass = new ArrayList<>(), step = new ArrayList<>();
            for (int it = 0; it <= steps; it++) {
                boolean record = it > 0;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = m.create(pixels, new Shape(batch, 3, size, size));
                    NDArray y = m.create(targets, new Shape(batch, classes));
                    long t0 = System.nanoTime();
                    try (NDScope one = new NDScope()) { // each measurement frees its activations before the next
                        one.suppressNotUsedWarning();
                        net.forwardCls(x, null, null).cls().toFloatArray();
                    }
                    long t1 = System.nanoTime();
                    try (NDScope one = new NDScope()) {
                        one.suppressNotUsedWarning();
                        net.forward(x, null).seg().toFloatArray();
                    }
                    long t2 = System.nanoTime();
                    long s0, s1;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        s0 = System.nanoTime();
                        GetamMap.Result maps;
                        try (NDScope camScope = new NDScope()) { // as the trainer: the map's graph is freed after it
                            camScope.suppressNotUsedWarning();
                            maps = GetamMap.compute(net, x, present, start, rng.split());
                        }
                        s1 = System.nanoTime();
                        int hw = size * size;
                        int[] labels = new int[batch * hw];
                        float[] salTarget = new float[batch * hw];
                        Pamr pamr = Pamr.official();
                        float[] oris = new float[batch * 3 * hw];
                        dev.weaktr.afa.AfaLabels.Box[] boxes = new dev.weaktr.afa.AfaLabels.Box[batch];
                        for (int i = 0; i < batch; i++) {
                            float[] stacked = new float[classes * hw];
                            for (int k = 0; k < classes; k++) {
                                System.arraycopy(maps.maps()[i][k], 0, stacked, k * hw, hw);
                            }
                            float[] ori = new float[3 * hw];
                            for (int j = 0; j < ori.length; j++) {
                                ori[j] = Math.max(0, Math.min(255, 128 + 60 * pixels[i * 3 * hw + j]));
                            }
                            System.arraycopy(ori, 0, oris, i * 3 * hw, 3 * hw);
                            boxes[i] = new dev.weaktr.afa.AfaLabels.Box(0, size, 0, size);
                            float[] refined = LabelCompletion.maxNormalise(
                                    pamr.refine(ori, 3, size, size, stacked, classes, size, size), classes, hw);
                            LabelCompletion.Result r = LabelCompletion.complete(refined, present[i], null, size, size,
                                    LabelCompletion.CUT_THRESHOLD);
                            System.arraycopy(r.label(), 0, labels, i * hw, hw);
                            System.arraycopy(GetamLoss.saliencyTarget(r.saliency(), false), 0, salTarget, i * hw, hw);
                        }
                        p.zeroGradients();
                        GetamNet.Output out = net.forward(x, rng.split());
                        NDArray loss = GetamLoss.crossEntropy(out.seg(), labels)
                                .add(GetamLoss.saliency(out.seg(), salTarget))
                                .add(dev.weaktr.afa.DenseEnergyLoss.loss(out.seg(), oris, labels, boxes,
                                        GetamTrainConfig.DENSE_CRF_WEIGHT))
                                .add(CamLoss.multiLabelSoftMargin(out.cls(), y));
                        gc.backward(loss);
                    }
                    sgd.update(1e-3);
                    long s2 = System.nanoTime();
                    if (record) {
                        cls.add((t1 - t0) / 1e6);
                        fwd.add((t2 - t1) / 1e6);
                        perClass.add(Math.max(0, (s1 - s0) - (t1 - t0)) / 1e6 / presentCount); // minus the cls forward
                        step.add((s2 - s0) / 1e6);
                    }
                }
            }
            return new Row(backbone.name(), size, batch, Batches.median(cls), Batches.median(fwd),
                    Batches.median(perClass), Batches.median(step));
        }
    }
}
