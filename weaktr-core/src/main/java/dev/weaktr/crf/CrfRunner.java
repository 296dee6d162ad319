package dev.weaktr.crf;

import dev.weaktr.WeaktrException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * Runs CRF work for many images on a fixed pool of threads, one reusable {@link MeanField} per thread.
 * Images are independent, so throughput scales with the thread count.
 */
public final class CrfRunner implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;
    private final ThreadLocal<MeanField> workers = ThreadLocal.withInitial(MeanField::new);

    /** @param threads worker threads; ≤ 0 means one per available core */
    public CrfRunner(int threads) {
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "weaktr-crf");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /**
     * Applies {@code task} to every item in parallel and returns the results in input order. The task
     * gets its thread's MeanField (pass it to {@link DenseCrf#refine(MeanField, dev.weaktr.io.RgbImage,
     * float[], int, CrfConfig)} and friends). A WeaktrException from any task is rethrown as is.
     */
    public <T, R> List<R> map(List<T> items, BiFunction<MeanField, T, R> task) {
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(pool.submit(() -> task.apply(workers.get(), item)));
        }
        List<R> out = new ArrayList<>(items.size());
        try {
            for (Future<R> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("interrupted while waiting for CRF workers", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new WeaktrException("CRF worker failed: " + c, c);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
