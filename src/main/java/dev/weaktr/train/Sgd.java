package dev.weaktr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.weaktr.nn.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * SGD with momentum, PyTorch's update rule (torch.optim.SGD, dampening 0): g ← g + wd·p;
 * buf ← g on the first step, else μ·buf + g; with Nesterov g ← g + μ·buf, else g ← buf; p ← p − lr·g.
 * The retraining recipe uses μ = 0.9, Nesterov, wd 0 (spec §4.4). Each parameter's lr is scaled by
 * {@code lrScale(name)} (encoder ×0.1).
 */
public final class Sgd implements Optimizer {
    private final Parameters params;
    private final double momentum;
    private final boolean nesterov;
    private final ToDoubleFunction<String> weightDecay;
    private final ToDoubleFunction<String> lrScale;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private long step;

    public Sgd(Parameters params, double momentum, boolean nesterov, double weightDecay, ToDoubleFunction<String> lrScale) {
        this(params, momentum, nesterov, name -> weightDecay, lrScale);
    }

    /** With a weight decay per parameter (PyTorch param groups, e.g. none on biases). */
    public Sgd(Parameters params, double momentum, boolean nesterov, ToDoubleFunction<String> weightDecay,
            ToDoubleFunction<String> lrScale) {
        this.params = params;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.lrScale = lrScale;
        params.all().forEach((name, p) -> buffers.put(name, p.zerosLike()));
    }

    public long step() {
        return step;
    }

    public void setStep(long step) {
        this.step = step;
    }

    /** One update with base learning rate {@code lr}; gradients are zeroed afterwards. */
    public void update(double lr) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
                NDArray p = e.getValue();
                if (!p.hasGradient()) {
                    continue; // a fixed tensor (Parameters.fixedNormal), not learned
                }
                NDArray g = p.getGradient();
                double wd = weightDecay.applyAsDouble(e.getKey());
                NDArray d = wd == 0 ? g : g.add(p.mul(wd));
                NDArray buf = buffers.get(e.getKey());
                if (step == 0) {
                    buf.muli(0).addi(d);
                } else {
                    buf.muli(momentum).addi(d);
                }
                NDArray dir = nesterov ? d.add(buf.mul(momentum)) : buf;
                p.subi(dir.mul(lr * lrScale.applyAsDouble(e.getKey())));
                g.subi(g);
            }
        }
        step++;
    }

    /** Momentum buffers for a checkpoint ({@code optimizer.momentum_buffer.<name>}). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        buffers.forEach((k, v) -> s.put("optimizer.momentum_buffer." + k, v));
        return s;
    }
}
