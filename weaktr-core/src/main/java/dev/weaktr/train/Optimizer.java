package dev.weaktr.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** An optimizer whose state a {@link Checkpoint} saves and restores. */
public interface Optimizer {
    /** One update with base learning rate {@code lr}; zeroes the gradients. */
    void update(double lr);

    /** Updates done so far. */
    long step();

    void setStep(long step);

    /** The state tensors, named {@code optimizer.*}, restored in place on resume. */
    Map<String, NDArray> state();
}
