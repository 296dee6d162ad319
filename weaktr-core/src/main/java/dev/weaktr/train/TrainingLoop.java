package dev.weaktr.train;

import ai.djl.engine.Engine;
import dev.weaktr.WeaktrException;
import dev.weaktr.nn.Parameters;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
         * left in the parameters. Returns the loss terms, the total first (key {@code loss}); the round's log line
         * holds their means over the steps that went through.
         */
        Map<String, Double> step(long step, int stepInRound, SplittableRandom rng);

        /**
         * Called when the last step's loss was not finite: names the first non-finite tensor of its forward (e.g. by
         * re-running it with {@link NonFinite.Probe}), for the skip record and the divergence message.
         */
        default String nonFiniteActivation(Map<String, Double> terms) {
            for (Map.Entry<String, Double> e : terms.entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    return "loss term " + e.getKey() + " (" + e.getValue() + ")";
                }
            }
            return "loss";
        }

        /** The fields of the last step's per-step log line between {@code lr} and {@code grad_norm} (default: its terms). */
        default Map<String, Object> stepRecord(Map<String, Double> terms) {
            return new LinkedHashMap<>(terms);
        }

        /**
         * Called after the optimiser applied the update of step {@code step} (0-based, global, as passed to
         * {@link #step}); not called for a skipped step (e.g. DINO's teacher EMA).
         */
        default void afterUpdate(long step) {}

        /** Checkpoint metadata beside the weights (e.g. {@code task}). */
        default Map<String, String> checkpointMeta() {
            return Map.of();
        }

        /**
         * Writes the checkpoint after {@code roundsDone} rounds; the default writes {@code params}, the optimizer
         * state and {@link #checkpointMeta} with {@link Checkpoint#save}. A method with more state (DINO's teacher
         * and centre) writes its own, atomically.
         */
        default void saveCheckpoint(Path file, Parameters params, Optimizer optimizer, int roundsDone) {
            Checkpoint.save(file, params, optimizer, roundsDone, new LinkedHashMap<>(checkpointMeta()));
        }

        /** Restores what {@link #saveCheckpoint} wrote; returns the rounds done. */
        default int loadCheckpoint(Path file, Parameters params, Optimizer optimizer) {
            return Integer.parseInt(Checkpoint.load(file, params, optimizer).get("epoch"));
        }

        /**
         * Called after round {@code roundsDone} (1-based) is checkpointed and before its log line is written: add
         * fields to {@code record} (e.g. a validation score, {@link BestCheckpoint}).
         */
        default void endRound(int roundsDone, Map<String, Object> record) {}

        /** How the divergence message names the work ("training", "retraining"). */
        default String activity() {
            return "training";
        }
    }

    /**
     * @param rounds number of rounds
     * @param stepsPerRound optimiser steps in a round
     * @param roundName "epoch" or "iterations" (how progress and the log name a round)
     * @param lr the base learning rate of the next update
     * @param maxGradNorm clip the global gradient norm to this (0 = off)
     * @param seed the run's seed
     * @param logSteps also append one {@code log.jsonl} line per step (step, lr, terms, grad_norm) and per skipped
     *     step (step, skipped, non_finite)
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
    private final List<Double> stepSeconds = new ArrayList<>();

    public TrainingLoop(PrintStream console) {
        this.console = console;
    }

    /** Trains from the start or, when {@code resume}, from the run's checkpoint; returns the last round's mean losses. */
    public Map<String, Double> run(Path run, boolean resume, Parameters params, Optimizer optimizer, Config cfg,
            Method method) {
        return run(run, resume, params, optimizer, cfg, method, cfg.rounds());
    }

    /**
     * The median seconds of the steps that went through in the last {@link #run} (data preparation included), NaN
     * when none did.
     */
    public double medianStepSeconds() {
        return Batches.median(stepSeconds);
    }

    /**
     * As {@link #run}, but returns after round {@code stopAfter} (as a killed run would, minus the kill). A term's
     * mean is NaN when every step of the round was skipped.
     */
    public Map<String, Double> run(Path run, boolean resume, Parameters params, Optimizer optimizer, Config cfg,
            Method method, int stopAfter) {
        Path ckpt = Checkpoint.forRun(run, resume);
        int start = 0;
        if (resume) {
            start = method.loadCheckpoint(ckpt, params, optimizer);
            console.printf(Locale.ROOT, "resuming %s after %s %d of %d%n", run, cfg.roundName(), start, cfg.rounds());
        }
        JsonLog log = new JsonLog(run.resolve("log.jsonl"));
        Progress progress = new Progress(console, (long) cfg.stepsPerRound() * cfg.rounds(), (long) cfg.stepsPerRound() * start,
                cfg.roundName().equals("epoch") ? "epoch" : "round");
        NonFinite.Guard guard = new NonFinite.Guard(MAX_CONSECUTIVE_SKIPS);
        stepSeconds.clear();
        Map<String, Double> means = new LinkedHashMap<>();
        for (int round = start; round < Math.min(cfg.rounds(), stopAfter); round++) {
            long t0 = System.nanoTime();
            SplittableRandom rng = Batches.epochStream(cfg.seed(), round);
            Engine.getInstance().setRandomSeed((int) (cfg.seed() * 31 + round)); // dropout (libtorch's RNG)
            method.startRound(round, rng);
            Map<String, Double> sums = new LinkedHashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            int done = 0, skipped = 0;
            NonFinite.Event lastSkip = null;
            double lr = Double.NaN;
            for (int s = 0; s < cfg.stepsPerRound(); s++) {
                long ts = System.nanoTime();
                long step = (long) round * cfg.stepsPerRound() + s;
                lr = cfg.lr().lr(round, optimizer.step());
                Map<String, Double> terms = method.step(step, s, rng);
                seen.addAll(terms.keySet());
                double loss = terms.get("loss");
                double norm = Double.isFinite(loss) ? params.gradientNorm() : Double.NaN;
                if (!Double.isFinite(norm)) { // skipped, as AMP's GradScaler would
                    lastSkip = new NonFinite.Event(optimizer.step() + 1, Double.isFinite(loss)
                            ? NonFinite.gradients(params.nonFiniteGradients(), params.all().size())
                            : method.nonFiniteActivation(terms));
                    params.zeroGradients();
                    skipped++;
                    if (cfg.logSteps()) {
                        Map<String, Object> rec = new LinkedHashMap<>();
                        rec.put("step", lastSkip.step());
                        rec.put("skipped", true);
                        rec.put("non_finite", lastSkip.tensor());
                        log.append(rec);
                    }
                    if (guard.skip(lastSkip)) {
                        throw new WeaktrException(method.activity() + " diverged: " + guard.inARow() + " steps in a row had a "
                                + "non-finite loss or gradient; the first went non-finite at " + guard.first()
                                + " (non-finite weights: " + params.nonFiniteValues() + "); lower --lr or set --max-grad-norm");
                    }
                    continue;
                }
                guard.passed();
                if (cfg.maxGradNorm() > 0 && norm > cfg.maxGradNorm()) {
                    params.scaleGradients(cfg.maxGradNorm() / (norm + 1e-6)); // clip_grad_norm_'s coefficient
                }
                optimizer.update(lr);
                method.afterUpdate(step);
                if (cfg.logSteps()) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", optimizer.step());
                    rec.put("lr", lr);
                    rec.putAll(method.stepRecord(terms));
                    rec.put("grad_norm", norm);
                    log.append(rec);
                }
                terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
                done++;
                stepSeconds.add((System.nanoTime() - ts) / 1e9);
                progress.step(round, cfg.rounds(), s + 1, cfg.stepsPerRound(), sums.get("loss") / done, lr);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            method.saveCheckpoint(ckpt, params, optimizer, round + 1);
            means = new LinkedHashMap<>();
            for (String k : done == 0 ? seen : sums.keySet()) { // NaN: every step of the round was skipped
                means.put(k, done == 0 ? Double.NaN : sums.get(k) / done);
            }
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put(cfg.roundName().equals("epoch") ? "epoch" : "round", round + 1);
            rec.put("step", optimizer.step());
            rec.put("lr", lr);
            rec.putAll(means);
            rec.put("skipped_steps", skipped);
            if (lastSkip != null) {
                rec.put("last_skip", lastSkip.toString());
            }
            rec.put("seconds", seconds);
            method.endRound(round + 1, rec);
            log.append(rec);
        }
        return means;
    }
}
