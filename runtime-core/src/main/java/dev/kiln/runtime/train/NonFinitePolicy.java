package dev.kiln.runtime.train;

/**
 * What {@link Trainer#fit} does when a training step produces a NaN or infinite loss, gradient or updated
 * weight (set with {@link Trainer.Builder#onNonFinite}). Either way the step's results are not kept: the
 * weights and optimizer state stay as they were before the step.
 */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteTrainingException} naming the first non-finite tensor (the default). */
    STOP,
    /**
     * Drop the step and go on with the next batch: the update count does not advance, the batch adds nothing
     * to the epoch's loss and accuracy, and listeners hear {@link TrainingListener#onStepSkipped}.
     */
    SKIP_STEP
}
