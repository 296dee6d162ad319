package dev.weaktr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.weaktr.nn.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with PyTorch's update rule (torch.optim.AdamW, as timm's create_optimizer builds it; spec §2.3):
 * p ← p − lr·wd·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). Weight decay applies to every parameter (spec §6.8).
 */
public final class AdamW implements Optimizer {
    private final Parameters params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private double weightDecay;
    private final java.util.function.Predicate<String> decays;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final java.util.function.ToDoubleFunction<String> lrScale;
    private long step;

    public AdamW(Parameters params, double weightDecay) {
        this(params, 0.9, 0.999, 1e-8, weightDecay);
    }

    public AdamW(Parameters params, double beta1, double beta2, double eps, double weightDecay) {
        this(params, beta1, beta2, eps, weightDecay, name -> 1.0);
    }

    /**
     * Parameter groups as a learning-rate multiplier per parameter name (PyTorch param groups with
     * {@code lr = base·scale}; scale 0 freezes a tensor: neither the update nor the decay moves it).
     */
    public AdamW(Parameters params, double beta1, double beta2, double eps, double weightDecay,
            java.util.function.ToDoubleFunction<String> lrScale) {
        this(params, beta1, beta2, eps, weightDecay, lrScale, name -> true);
    }

    /** @param decays which parameters weight decay applies to (DINO: not to biases and norms) */
    public AdamW(Parameters params, double beta1, double beta2, double eps, double weightDecay,
            java.util.function.ToDoubleFunction<String> lrScale, java.util.function.Predicate<String> decays) {
        this.decays = decays;
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.lrScale = lrScale;
        for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
            expAvg.put(e.getKey(), e.getValue().zerosLike());
            expAvgSq.put(e.getKey(), e.getValue().zerosLike());
        }
    }

    /** Changes the weight decay from the next update on (scheduled weight decay, as DINO's). */
    public void setWeightDecay(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public long step() {
        return step;
    }

    /** One update with learning rate {@code baseLr} (times each tensor's group scale), then the gradients are zeroed. */
    public void update(double baseLr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                NDArray p = e.getValue();
                if (!p.hasGradient()) {
                    continue; // a fixed tensor (Parameters.fixedNormal) or a buffer (Parameters.buffer), not learned
                }
                NDArray g = p.getGradient();
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                double lr = baseLr * lrScale.applyAsDouble(e.getKey());
                if (weightDecay != 0 && decays.test(e.getKey())) {
                    p.muli(1 - lr * weightDecay);
                }
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray denom = v.sqrt().divi(Math.sqrt(bc2)).addi(eps);
                p.subi(m.div(denom).muli(lr / bc1));
                g.subi(g); // zero the accumulated gradient in place (libtorch accumulates across backward calls)
            }
        }
    }

    /** Optimizer state for a checkpoint: {@code exp_avg.<name>}, {@code exp_avg_sq.<name>}. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> s.put("optimizer.exp_avg." + k, v));
        expAvgSq.forEach((k, v) -> s.put("optimizer.exp_avg_sq." + k, v));
        return s;
    }

    /** Restores the step count (the moment tensors are restored through {@link #state()}). */
    public void setStep(long step) {
        this.step = step;
    }
}
