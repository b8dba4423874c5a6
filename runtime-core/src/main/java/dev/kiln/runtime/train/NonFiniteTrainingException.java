package dev.kiln.runtime.train;

import dev.kiln.api.ExecutionException;

/**
 * A training step produced a NaN or infinite value and the trainer's policy is {@link NonFinitePolicy#STOP}.
 * The message names the step, the first non-finite tensor (the loss, the gradient of a named parameter, or
 * an updated parameter or optimizer state) and its first bad index. The trainer's weights and optimizer state
 * are those from before the step, so it can be checkpointed or resumed with other settings.
 */
public class NonFiniteTrainingException extends ExecutionException {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final String tensor;

    public NonFiniteTrainingException(String message, long step, String tensor) {
        super(message);
        this.step = step;
        this.tensor = tensor;
    }

    /** The update count of the failed step (0-based, as {@link Trainer#step()} read before it). */
    public long step() {
        return step;
    }

    /** The graph value found non-finite first, e.g. {@code loss} or {@code dense_0.weight.grad}. */
    public String tensor() {
        return tensor;
    }
}
