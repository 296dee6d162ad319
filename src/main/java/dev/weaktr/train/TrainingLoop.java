package dev.weaktr.train;

import ai.djl.engine.Engine;
import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Parameters;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one training loop a method plugs its model, losses and labels into: steps grouped in <em>rounds</em> (an
 * epoch for epoch-based recipes, a checkpoint interval for iteration-based ones), a checkpoint after every round
 * (atomic, {@code checkpoint.safetensors}), {@code --resume} from the last one, the non-finite guard (a step whose
 * loss or gradient is not finite is skipped, as AMP's GradScaler does; 10 in a row stop the run), optional
 * gradient-norm clipping, {@code log.jsonl} (one line per round with the mean of each loss term) and progress.
 *
 * <p>Determinism: round r draws everything from {@link Batches#epochStream}(seed, r) and seeds libtorch's RNG from
 * (seed, r), so a resumed run repeats exactly what an uninterrupted one does.
 */
public final class TrainingLoop {
    /** What a method provides: the randomness-driven preparation of a round and one optimisation step. */
    public interface Method {
        /** Called at the start of round {@code round} (shuffle the data from {@code rng}). */
        void startRound(int round, SplittableRandom rng);

        /**
         * Forward, losses and backward of step {@code step} (0-based, global) with {@code stepInRound}; gradients are
         * left in the parameters. Returns the loss terms, the total first (key {@code loss}).
         */
        Map<String, Double> step(long step, int stepInRound, SplittableRandom rng);

        /** Extra words for the divergence error (e.g. whether the input was finite). */
        default String diagnose() {
            return "";
        }

        /** Checkpoint metadata beside the weights (e.g. {@code task}). */
        default Map<String, String> checkpointMeta() {
            return Map.of();
        }
    }

    /**
     * @param rounds number of rounds
     * @param stepsPerRound optimiser steps in a round
     * @param roundName "epoch" or "iterations" (how progress and the log name a round)
     * @param lr the base learning rate of the next update
     * @param maxGradNorm clip the global gradient norm to this (0 = off)
     * @param seed the run's seed
     * @param logSteps also append one {@code log.jsonl} line per step (step, lr, terms, grad_norm)
     */
    public record Config(int rounds, int stepsPerRound, String roundName, Schedule lr, double maxGradNorm, long seed,
            boolean logSteps) {}

    /** The base learning rate from the round and the optimiser's update count (skipped steps do not count). */
    @FunctionalInterface
    public interface Schedule {
        double lr(int round, long updatesDone);
    }

    /** Non-finite steps tolerated in a row before training stops with an error. */
    public static final int MAX_CONSECUTIVE_SKIPS = 10;

    private final PrintStream console;

    public TrainingLoop(PrintStream console) {
        this.console = console;
    }

    /** Trains from the start or, when {@code resume}, from the run's checkpoint; returns the last round's mean losses. */
    public Map<String, Double> run(Path run, boolean resume, Parameters params, Optimizer optimizer, Config cfg,
            Method method) {
        return run(run, resume, params, optimizer, cfg, method, cfg.rounds());
    }

    /** As {@link #run}, but returns after round {@code stopAfter} (as a killed run would, minus the kill). */
    public Map<String, Double> run(Path run, boolean resume, Parameters params, Optimizer optimizer, Config cfg,
            Method method, int stopAfter) {
        Path ckpt = Checkpoint.forRun(run, resume);
        int start = 0;
        if (resume) {
            start = Integer.parseInt(Checkpoint.load(ckpt, params, optimizer).get("epoch"));
            console.printf(Locale.ROOT, "resuming %s after %s %d of %d%n", run, cfg.roundName(), start, cfg.rounds());
        }
        JsonLog log = new JsonLog(run.resolve("log.jsonl"));
        Progress progress = new Progress(console, (long) cfg.stepsPerRound() * cfg.rounds(), (long) cfg.stepsPerRound() * start);
        Map<String, Double> means = new LinkedHashMap<>();
        for (int round = start; round < Math.min(cfg.rounds(), stopAfter); round++) {
            long t0 = System.nanoTime();
            SplittableRandom rng = Batches.epochStream(cfg.seed(), round);
            Engine.getInstance().setRandomSeed((int) (cfg.seed() * 31 + round));
            method.startRound(round, rng);
            Map<String, Double> sums = new LinkedHashMap<>();
            int done = 0, skipped = 0, inARow = 0;
            double lr = Double.NaN;
            for (int s = 0; s < cfg.stepsPerRound(); s++) {
                long step = (long) round * cfg.stepsPerRound() + s;
                lr = cfg.lr().lr(round, optimizer.step());
                Map<String, Double> terms = method.step(step, s, rng);
                double loss = terms.get("loss");
                double norm = Double.isFinite(loss) ? params.gradientNorm() : Double.NaN;
                if (!Double.isFinite(norm)) {
                    params.zeroGradients();
                    skipped++;
                    if (++inARow >= MAX_CONSECUTIVE_SKIPS) {
                        throw new WeaktrException(String.format(Locale.ROOT, "training diverged: %d steps in a row had a "
                                + "non-finite loss or gradient (last terms %s; non-finite weights: %s%s); lower --lr",
                                inARow, terms, params.nonFiniteValues(), method.diagnose()));
                    }
                    continue;
                }
                inARow = 0;
                if (cfg.maxGradNorm() > 0 && norm > cfg.maxGradNorm()) {
                    params.scaleGradients(cfg.maxGradNorm() / (norm + 1e-6)); // clip_grad_norm_'s coefficient
                }
                optimizer.update(lr);
                if (cfg.logSteps()) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", optimizer.step());
                    rec.put("lr", lr);
                    rec.putAll(terms);
                    rec.put("grad_norm", norm);
                    log.append(rec);
                }
                terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
                done++;
                progress.step(round, cfg.rounds(), s + 1, cfg.stepsPerRound(), sums.get("loss") / done, lr);
            }
            Map<String, String> meta = new LinkedHashMap<>(method.checkpointMeta());
            Checkpoint.save(ckpt, params, optimizer, round + 1, meta);
            means = new LinkedHashMap<>();
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put(cfg.roundName().equals("epoch") ? "epoch" : "round", round + 1);
            rec.put("step", optimizer.step());
            rec.put("lr", lr);
            for (Map.Entry<String, Double> e : sums.entrySet()) {
                means.put(e.getKey(), e.getValue() / Math.max(1, done));
                rec.put(e.getKey(), e.getValue() / Math.max(1, done));
            }
            rec.put("skipped_steps", skipped);
            rec.put("seconds", (System.nanoTime() - t0) / 1e9);
            log.append(rec);
        }
        return means;
    }
}
