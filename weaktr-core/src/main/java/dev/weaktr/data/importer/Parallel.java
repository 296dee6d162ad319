package dev.weaktr.data.importer;

import dev.weaktr.WeaktrException;
import dev.weaktr.data.coco.ImportProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Runs one function over a list on a fixed number of threads, results in input order, with progress. */
public final class Parallel {
    private final int threads;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new WeaktrException("--threads: expected at least 1, got " + threads);
        }
        this.threads = threads;
    }

    /** {@code f} applied to every item; the first failure (in input order) is rethrown as is. */
    public <T, R> List<R> map(List<T> items, Function<T, R> f, String phase, ImportProgress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "weaktr-" + phase);
            t.setDaemon(true);
            return t;
        });
        AtomicLong done = new AtomicLong();
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    R r = f.apply(item);
                    progress.update(phase, done.incrementAndGet(), items.size());
                    return r;
                }));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeaktrException(phase + " interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
