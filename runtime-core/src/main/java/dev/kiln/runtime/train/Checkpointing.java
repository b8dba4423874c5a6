package dev.kiln.runtime.train;

import java.nio.file.Path;

/**
 * Writes the trainer's checkpoint atomically to one file after every epoch, or every {@code n} steps
 * (mid-epoch checkpoints carry the epoch's order and position, so resuming continues with the next
 * batch). Not thread-safe; one per trainer.
 */
public final class Checkpointing implements TrainingListener {
    private final Path file;
    private final long everySteps;

    private Checkpointing(Path file, long everySteps) {
        this.file = java.util.Objects.requireNonNull(file, "file");
        this.everySteps = everySteps;
    }

    /** A checkpoint at the end of every epoch. */
    public static Checkpointing everyEpoch(Path file) {
        return new Checkpointing(file, 0);
    }

    /** A checkpoint after every {@code steps} updates (and none at epoch ends unless one falls there). */
    public static Checkpointing everySteps(Path file, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("checkpoint interval must be positive, got " + steps);
        }
        return new Checkpointing(file, steps);
    }

    @Override
    public void onBatchEnd(Trainer trainer, BatchResult batch) {
        if (everySteps > 0 && trainer.step() % everySteps == 0) {
            trainer.saveCheckpoint(file);
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult epoch) {
        if (everySteps == 0) {
            trainer.saveCheckpoint(file);
        }
    }
}
