package dev.weaktr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;

/**
 * Finds where a training step went non-finite, for the skip-and-count guard's messages: the first loss term,
 * activation or gradient that holds NaN or infinity, named the way a user can act on.
 */
public final class NonFinite {
    private NonFinite() {}

    /** Whether every element of {@code x} is finite (one reduction). */
    public static boolean finite(NDArray x) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return Float.isFinite(x.toType(DataType.FLOAT32, false).abs().sum().getFloat());
        }
    }

    /** Whether every value is finite. */
    public static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** The first name in {@code tensors} (in its order) whose tensor is not finite, or null. */
    public static String first(Map<String, NDArray> tensors) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (!finite(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Names a step's non-finite gradients. Parameters are registered in forward order, so back-propagation
     * reaches the last of them first: that one is where the gradient went non-finite ("nearest the loss").
     *
     * @param nonFinite the non-finite gradients' names in registration order, non-empty
     * @param total the number of parameters
     */
    public static String gradients(List<String> nonFinite, int total) {
        String nearest = nonFinite.get(nonFinite.size() - 1);
        return "gradient of " + nearest + " (nearest the loss; " + nonFinite.size() + " of " + total
                + " gradients non-finite)";
    }

    /** A step's reason and the step it happened at, for log.jsonl and the divergence message. */
    public record Event(long step, String tensor) {
        @Override
        public String toString() {
            return "step " + step + ": " + tensor;
        }
    }

    /**
     * The skip-and-count guard across epochs: a step with a non-finite loss or gradient is skipped (as AMP's
     * GradScaler does); {@code limit} in a row, even across epoch boundaries, stop training.
     */
    public static final class Guard {
        private final int limit;
        private int inARow;
        private Event first;

        public Guard(int limit) {
            this.limit = limit;
        }

        /** Records a skipped step; true when it is the {@code limit}-th in a row. */
        public boolean skip(Event event) {
            first = first == null ? event : first;
            return ++inARow >= limit;
        }

        /** A step that went through. */
        public void passed() {
            inARow = 0;
            first = null;
        }

        public int inARow() {
            return inARow;
        }

        /** The first skipped step of the current run of skips. */
        public Event first() {
            return first;
        }
    }

    /** Collects named tensors in forward order, for {@link #first}. */
    public static final class Probe {
        private final java.util.LinkedHashMap<String, NDArray> tensors = new java.util.LinkedHashMap<>();

        public Probe add(String name, NDArray x) {
            tensors.put(name, x);
            return this;
        }

        public Map<String, NDArray> tensors() {
            return tensors;
        }

        /** "activation NAME", or null when all are finite. */
        public String firstActivation() {
            String name = first(tensors);
            return name == null ? null : "activation " + name;
        }
    }
}
