package dev.kiln.runtime.train;

/**
 * Stops training when the validation loss (or the training loss when no validation set is given) has
 * not improved by more than {@code minDelta} for {@code patience} epochs. Not thread-safe; one per fit.
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int stale;
    private int stoppedAt;

    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1 || minDelta < 0) {
            throw new IllegalArgumentException("early stopping: need patience >= 1 and minDelta >= 0, got " + patience + ", " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult epoch) {
        double monitored = epoch.validation() != null ? epoch.validation().loss() : epoch.loss();
        if (monitored < best - minDelta) {
            best = monitored;
            stale = 0;
        } else if (++stale >= patience) {
            stoppedAt = epoch.epoch();
            trainer.requestStop();
        }
    }

    /** The epoch after which training was stopped, 0 when it was not. */
    public int stoppedAt() {
        return stoppedAt;
    }

    public double best() {
        return best;
    }
}
