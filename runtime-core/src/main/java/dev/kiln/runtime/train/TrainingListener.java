package dev.kiln.runtime.train;

import java.util.List;

/**
 * Callbacks from {@link Trainer#fit}, on the training thread, in order. A listener may call
 * {@link Trainer#requestStop()} to end training after the current epoch. Default methods do nothing.
 */
public interface TrainingListener {
    default void onTrainBegin(Trainer trainer, int epochs, int batchesPerEpoch) {
    }

    default void onBatchEnd(Trainer trainer, BatchResult batch) {
    }

    default void onEpochEnd(Trainer trainer, EpochResult epoch) {
    }

    default void onTrainEnd(Trainer trainer, List<EpochResult> history) {
    }

    /**
     * A step was dropped because it produced a non-finite value ({@link NonFinitePolicy#SKIP_STEP});
     * {@code reason} names the tensor and index, as {@link NonFiniteTrainingException} would.
     */
    default void onStepSkipped(Trainer trainer, int epoch, int batch, String reason) {
    }

    /**
     * One step's figures.
     *
     * @param epoch   1-based epoch
     * @param batch   1-based batch within the epoch
     * @param batches batches per epoch
     * @param loss    this batch's total loss
     * @param meanLoss the epoch's running mean loss so far
     * @param samplesPerSecond throughput of the epoch so far
     */
    record BatchResult(int epoch, int batch, int batches, double loss, double meanLoss, double samplesPerSecond) {
    }
}
