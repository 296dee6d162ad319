package dev.weaktr.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.weaktr.WeaktrException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a model, keyed by their official (timm / WeakTr state-dict) names, e.g.
 * {@code blocks.3.attn.qkv.weight}. Import and export are therefore a name map and a shape check.
 *
 * <p>All parameters live in one long-lived {@link NDManager}; initial values are drawn from a
 * seeded Java RNG, so the same seed gives the same model on every engine.
 */
public final class Parameters implements AutoCloseable {
    private final NDManager manager;
    private final DataType dataType;
    private final SplittableRandom rng;
    private final Map<String, NDArray> tensors;
    private final boolean trainable;
    private final String prefix;

    /** Trainable parameters (gradients recorded). */
    public Parameters(NDManager manager, DataType dataType, long seed) {
        this(manager, dataType, seed, true);
    }

    /** @param trainable false for inference: no autograd graph is recorded through these tensors */
    public Parameters(NDManager manager, DataType dataType, long seed, boolean trainable) {
        this(manager, dataType, new SplittableRandom(seed), trainable, new LinkedHashMap<>(), "");
    }

    private Parameters(NDManager manager, DataType dataType, SplittableRandom rng, boolean trainable,
            Map<String, NDArray> tensors, String prefix) {
        this.manager = manager;
        this.dataType = dataType;
        this.rng = rng;
        this.trainable = trainable;
        this.tensors = tensors;
        this.prefix = prefix;
    }

    /**
     * A view that registers names under {@code prefix} (e.g. {@code encoder.}) into the same store, drawing
     * from the same random stream: Segmenter's encoder is a plain ViT whose names gain {@code encoder.}.
     */
    public Parameters scoped(String childPrefix) {
        return new Parameters(manager, dataType, rng, trainable, tensors, prefix + childPrefix);
    }

    public NDManager manager() {
        return manager;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Read-only view in registration order. */
    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(tensors);
    }

    public NDArray get(String name) {
        NDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return t;
    }

    /** Truncated normal in [-2, 2] (absolute, as timm's trunc_normal_) with the given std. */
    public NDArray truncNormal(String name, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = gaussian() * std;
            } while (x < -2 || x > 2);
            v[i] = (float) x;
        }
        return register(name, v, shape);
    }

    /** Standard normal scaled by {@code std}, no truncation. */
    public NDArray normal(String name, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return register(name, v, shape);
    }

    /**
     * A FIXED standard-normal tensor scaled by {@code std} (e.g. a random query that is never learned): saved and
     * loaded with the parameters, but it records no gradient, so optimizers leave it unchanged.
     */
    public NDArray fixedNormal(String name, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return register(name, v, false, shape);
    }

    /** Uniform in [-bound, bound]: PyTorch's default init of conv/linear weights and biases (bound = 1/sqrt(fan_in)). */
    public NDArray uniform(String name, double bound, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return register(name, v, shape);
    }

    public NDArray constant(String name, float value, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        java.util.Arrays.fill(v, value);
        return register(name, v, shape);
    }

    /**
     * A non-trainable state tensor saved and loaded with the parameters (BatchNorm's running statistics,
     * PyTorch's "buffers"); no gradient is recorded, so optimizers skip it.
     */
    public NDArray buffer(String name, float value, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        java.util.Arrays.fill(v, value);
        NDArray t = register(name, v, shape);
        t.setRequiresGradient(false);
        return t;
    }

    /** The prefix this view registers names under ({@code ""} at the root). */
    public String prefix() {
        return prefix;
    }

    private double gaussian() {
        return rng.nextGaussian();
    }

    private NDArray register(String localName, float[] values, long... shape) {
        return register(localName, values, true, shape);
    }

    private NDArray register(String localName, float[] values, boolean learned, long... shape) {
        String name = prefix + localName;
        if (tensors.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        NDArray t;
        try (NDArray src = manager.create(values, new Shape(shape))) {
            // a copy in libtorch's memory (64-byte aligned, owned by libtorch), not a view of a Java direct buffer:
            // with Java-backed weights, identical AFA runs under frequent GCs were not bit-identical and some steps
            // turned non-finite; with libtorch-owned weights they are (the exact mechanism is not pinned down)
            t = src.duplicate().toType(dataType, false);
        }
        t.setName(name);
        if (trainable && learned) {
            t.setRequiresGradient(true);
        }
        tensors.put(name, t);
        return t;
    }

    /**
     * Overwrites parameter values in place (checkpoint loading). Every name must exist with the same
     * shape; a mismatch names the first offending key and both shapes.
     */
    public void load(Map<String, float[]> values, Map<String, long[]> shapes, String source) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new WeaktrException(source + ": missing tensor '" + e.getKey() + "' (expected shape "
                        + e.getValue().getShape() + ")");
            }
            Shape expected = e.getValue().getShape();
            Shape got = new Shape(shapes.get(e.getKey()));
            if (!expected.equals(got)) {
                throw new WeaktrException(source + ": tensor '" + e.getKey() + "' has shape " + got
                        + " but this model expects " + expected
                        + " (a checkpoint for another class count or model preset?)");
            }
        }
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray t = e.getValue();
            try (NDArray src = manager.create(values.get(e.getKey()), t.getShape()).toType(dataType, false)) {
                t.set(src.toByteBuffer());
            }
        }
    }

    /**
     * Overwrites the named parameters only (pretrained initialisation: the rest keep their initial values).
     * Every given name must exist with the same shape.
     */
    public void loadSome(Map<String, float[]> values, Map<String, long[]> shapes, String source) {
        for (String name : values.keySet()) {
            NDArray t = tensors.get(name);
            if (t == null) {
                throw new WeaktrException(source + ": this model has no tensor '" + name + "'");
            }
            if (!t.getShape().equals(new Shape(shapes.get(name)))) {
                throw new WeaktrException(source + ": tensor '" + name + "' has shape " + new Shape(shapes.get(name))
                        + " but this model expects " + t.getShape());
            }
        }
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            NDArray t = tensors.get(e.getKey());
            try (NDArray src = manager.create(e.getValue(), t.getShape()).toType(dataType, false)) {
                t.set(src.toByteBuffer());
            }
        }
    }

    /** Copies every parameter to a float array (for checkpoints and tests). */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            try (NDArray copy = e.getValue().toType(DataType.FLOAT32, true)) {
                out.put(e.getKey(), copy.toFloatArray());
            }
        }
        return out;
    }

    /**
     * Sets every gradient to zero by overwriting its bytes (works on NaN/inf gradients, where g − g does not);
     * used when a non-finite step is skipped.
     */
    public void zeroGradients() {
        for (NDArray t : tensors.values()) {
            if (t.hasGradient()) {
                try (NDArray g = t.getGradient()) {
                    g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // in-place fill: NaN-safe, unlike g - g
                }
            }
        }
    }

    /**
     * The names of the parameters whose gradient holds NaN or infinity; empty when all are finite (one
     * reduction over all gradients in the common case, as AMP's GradScaler checks).
     */
    public java.util.List<String> nonFiniteGradients() {
        return nonFinite(true);
    }

    /**
     * The global L2 norm of all gradients, sqrt(Σ g²) (NaN or infinity when any gradient is not finite), as
     * torch.nn.utils.clip_grad_norm_ computes it.
     */
    public double gradientNorm() {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray total = null;
            for (NDArray t : tensors.values()) {
                if (t.hasGradient()) {
                    NDArray s = t.getGradient().toType(DataType.FLOAT64, false).square().sum();
                    total = total == null ? s : total.add(s);
                }
            }
            return total == null ? 0 : Math.sqrt(total.getDouble());
        }
    }

    /** Multiplies every gradient by {@code factor} in place (gradient-norm clipping). */
    public void scaleGradients(double factor) {
        for (NDArray t : tensors.values()) {
            if (t.hasGradient()) {
                try (NDArray g = t.getGradient()) {
                    g.muli(factor);
                }
            }
        }
    }

    /** The names of the parameters whose values hold NaN or infinity (diagnostics after a divergence). */
    public java.util.List<String> nonFiniteValues() {
        return nonFinite(false);
    }

    private java.util.List<String> nonFinite(boolean gradients) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray total = null;
            Map<String, NDArray> parts = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                if (gradients && !e.getValue().hasGradient()) {
                    continue;
                }
                NDArray s = (gradients ? e.getValue().getGradient() : e.getValue()).abs().sum();
                parts.put(e.getKey(), s);
                total = total == null ? s : total.add(s);
            }
            if (total == null || Float.isFinite(total.toType(DataType.FLOAT32, false).getFloat())) {
                return java.util.List.of();
            }
            return parts.entrySet().stream()
                    .filter(e -> !Float.isFinite(e.getValue().toType(DataType.FLOAT32, false).getFloat()))
                    .map(Map.Entry::getKey).toList();
        }
    }

    public long count() {
        long n = 0;
        for (NDArray t : tensors.values()) {
            n += t.size();
        }
        return n;
    }

    @Override
    public void close() {
        tensors.values().forEach(NDArray::close);
        tensors.clear();
    }
}
