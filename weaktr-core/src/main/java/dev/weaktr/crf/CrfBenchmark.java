package dev.weaktr.crf;

import dev.weaktr.io.RgbImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Timing of dense-CRF inference on synthetic images: single-thread latency per image and throughput
 * across images with several threads.
 */
public final class CrfBenchmark {
    private CrfBenchmark() {}

    /** Benchmark settings. */
    public record Settings(int width, int height, List<Integer> labelCounts, int iterations, int images,
            int threads, int repeats, long seed, CrfConfig config) {
        /** The setting: 500×375, 21 and 3 labels, 10 iterations, WeakTr seg VOC preset. */
        public static Settings standard(int threads) {
            int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            return new Settings(500, 375, List.of(21, 3), 10, Math.max(4, 2 * t), t, 3, 1, CrfConfig.WEAKTR_SEG_VOC);
        }
    }

    /**
     * One table row.
     *
     * @param mode       "latency" (one image, best of repeats) or "throughput" (all images)
     * @param seconds    wall-clock seconds for all the row's images
     * @param cpuSeconds CPU seconds of the timing thread (latency rows; NaN for throughput rows), less
     *                   sensitive than wall time to other work on a shared machine
     */
    public record Row(int labels, String mode, int threads, int images, double seconds, double secondsPerImage,
            double cpuSeconds, double speedup) {}

    public static List<Row> run(Settings s) {
        CrfConfig cfg = s.config().withIterations(s.iterations());
        List<Row> rows = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < s.images(); i++) {
            images.add(syntheticImage(s.width(), s.height(), s.seed() + i));
        }
        for (int m : s.labelCounts()) {
            List<float[]> probs = new ArrayList<>();
            for (int i = 0; i < s.images(); i++) {
                probs.add(randomProbabilities(m, s.width() * s.height(), s.seed() * 7919 + i));
            }
            MeanField worker = new MeanField();
            DenseCrf.refine(worker, images.get(0), probs.get(0), m, cfg); // warm-up (JIT, buffers)
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            double best = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            for (int r = 0; r < s.repeats(); r++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                DenseCrf.refine(worker, images.get(0), probs.get(0), m, cfg);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) / 1e9);
            }
            rows.add(new Row(m, "latency", 1, 1, best, best, bestCpu, 1.0));
            double one = throughput(1, images, probs, m, cfg);
            rows.add(new Row(m, "throughput", 1, s.images(), one, one / s.images(), Double.NaN, 1.0));
            if (s.threads() > 1) {
                double many = throughput(s.threads(), images, probs, m, cfg);
                rows.add(new Row(m, "throughput", s.threads(), s.images(), many, many / s.images(), Double.NaN,
                        one / many));
            }
        }
        return rows;
    }

    private static double throughput(int threads, List<RgbImage> images, List<float[]> probs, int m, CrfConfig cfg) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            idx.add(i);
        }
        try (CrfRunner runner = new CrfRunner(threads)) {
            runner.map(idx.subList(0, Math.min(threads, idx.size())),
                    (w, i) -> DenseCrf.refine(w, images.get(i), probs.get(i), m, cfg)); // warm the workers
            long t0 = System.nanoTime();
            runner.map(idx, (w, i) -> DenseCrf.refine(w, images.get(i), probs.get(i), m, cfg));
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** A photo-like test image: a colour gradient, a few flat ellipses, mild noise. Deterministic in seed. */
    public static RgbImage syntheticImage(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int shapes = 6;
        double[] cx = new double[shapes], cy = new double[shapes], rx = new double[shapes], ry = new double[shapes];
        int[][] col = new int[shapes][3];
        for (int k = 0; k < shapes; k++) {
            cx[k] = rnd.nextDouble() * w;
            cy[k] = rnd.nextDouble() * h;
            rx[k] = (0.05 + 0.25 * rnd.nextDouble()) * w;
            ry[k] = (0.05 + 0.25 * rnd.nextDouble()) * h;
            for (int c = 0; c < 3; c++) {
                col[k][c] = rnd.nextInt(256);
            }
        }
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] base = {x * 255 / w, y * 255 / h, 128};
                for (int k = 0; k < shapes; k++) {
                    double dx = (x - cx[k]) / rx[k], dy = (y - cy[k]) / ry[k];
                    if (dx * dx + dy * dy <= 1) {
                        base = col[k];
                    }
                }
                for (int c = 0; c < 3; c++) {
                    int v = base[c] + rnd.nextInt(17) - 8;
                    rgb[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Random per-pixel probabilities, {@code [M][N]}, summing to 1 over labels. */
    public static float[] randomProbabilities(int m, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] p = new float[m * n];
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int l = 0; l < m; l++) {
                float v = (float) rnd.nextDouble();
                v = v * v * v;
                p[l * n + i] = v;
                sum += v;
            }
            for (int l = 0; l < m; l++) {
                p[l * n + i] /= sum;
            }
        }
        return p;
    }
}
