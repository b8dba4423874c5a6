package dev.kiln.runtime.train;

import java.nio.file.Path;

/** Writes the trainer's checkpoint atomically to one file after every epoch. */
public final class CheckpointEveryEpoch implements TrainingListener {
    private final Path file;

    public CheckpointEveryEpoch(Path file) {
        this.file = java.util.Objects.requireNonNull(file, "file");
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult epoch) {
        trainer.saveCheckpoint(file);
    }
}
