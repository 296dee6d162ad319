package dev.weaktr.train;

import dev.weaktr.WeaktrException;
import java.io.PrintStream;
import java.util.function.IntFunction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Small pieces every training loop shares: seeded epoch order, the loader pool, medians. */
public final class Batches {
    private Batches() {}

    /** The random stream of epoch {@code epoch}: a resumed run draws exactly what an uninterrupted one would. */
    public static SplittableRandom epochStream(long seed, int epoch) {
        return new SplittableRandom(seed * 1_000_003L + epoch);
    }

    /** Fisher–Yates shuffle of {@code ids} with {@code rng}. */
    public static List<String> shuffled(List<String> ids, SplittableRandom rng) {
        List<String> order = new ArrayList<>(ids);
        for (int i = order.size() - 1; i > 0; i--) {
            Collections.swap(order, i, rng.nextInt(i + 1));
        }
        return order;
    }

    /**
     * A batch larger than the split trains with the split's size (one step per epoch), said in one line and
     * recorded by {@code cap}; a split of fewer than 2 images cannot train at all.
     *
     * @param cap the config with its batch set to the split's size and the requested batch noted
     */
    public static <C> C capBatch(C cfg, int batch, int images, String split, PrintStream console, IntFunction<C> cap) {
        if (images < 2) {
            throw new WeaktrException("split '" + split + "' has " + images + " image" + (images == 1 ? "" : "s")
                    + "; training needs at least 2");
        }
        if (batch <= images) {
            return cfg;
        }
        console.printf("note: --batch %d is larger than the %d images of split '%s': training with batch %d%n", batch,
                images, split, images);
        return cap.apply(images);
    }

    /** Daemon threads that decode and augment the next batch while the current one trains. */
    public static ExecutorService loaderPool() {
        return Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "weaktr-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task(0..n-1)} on the loader pool and waits for all. Batches are prepared between steps, not
     * during them: on a 2-core machine a concurrent loader steals a core from libtorch's threads and costs
     * more than it hides (measured: +30 % per step for DeiT-S).
     */
    public static void parallel(int n, java.util.function.IntConsumer task, ExecutorService pool) {
        java.util.List<java.util.concurrent.Future<?>> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int k = i;
            parts.add(pool.submit(() -> task.accept(k)));
        }
        try {
            for (java.util.concurrent.Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a batch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            parts.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
