package dev.kiln.runtime.train;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Prints training progress. On a terminal one line per epoch is redrawn in place as batches finish (a
 * bar, the running loss, samples per second); otherwise (a pipe, a log file) only a plain line per epoch
 * is printed. Not thread-safe.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final boolean terminal;
    private int epochs;
    private long lastDraw;

    /** Progress on {@code out}; redrawn in place when {@code terminal}. */
    public ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on {@code out}; redrawn in place when {@code terminal}. */
    public ProgressBar(PrintStream out, boolean terminal) {
        this(new PrintWriter(out, true), terminal);
    }

    /** Progress on standard output, redrawn in place only when a console is attached. */
    public static ProgressBar console() {
        return new ProgressBar(System.out, System.console() != null);
    }

    @Override
    public void onTrainBegin(Trainer trainer, int epochs, int batchesPerEpoch) {
        this.epochs = epochs;
    }

    @Override
    public void onBatchEnd(Trainer trainer, BatchResult b) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (b.batch() != b.batches() && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * b.batch() / b.batches());
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f  %.0f samples/s ", b.epoch(), epochs,
                "=".repeat(filled), " ".repeat(WIDTH - filled), b.batch(), b.batches(), b.meanLoss(), b.samplesPerSecond()));
        out.flush();
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult e) {
        if (terminal) {
            out.print("\r");
        }
        out.println(line(e, epochs));
        out.flush();
    }

    @Override
    public void onTrainEnd(Trainer trainer, List<EpochResult> history) {
        out.flush();
    }

    /** The plain per-epoch line. */
    static String line(EpochResult e, int epochs) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d loss %.4f", e.epoch(), epochs, e.loss()));
        if (!Double.isNaN(e.accuracy())) {
            s.append(String.format(Locale.ROOT, " acc %.4f", e.accuracy()));
        }
        if (e.validation() != null) {
            s.append(String.format(Locale.ROOT, " val_loss %.4f", e.validation().loss()));
            if (!Double.isNaN(e.validation().firstAccuracy())) {
                s.append(String.format(Locale.ROOT, " val_acc %.4f", e.validation().firstAccuracy()));
            }
        }
        s.append(String.format(Locale.ROOT, " %.1fs %.0f samples/s", e.seconds(), e.samplesPerSecond()));
        return s.toString();
    }
}
