package dev.kiln.runtime.session;

/**
 * A signal that stops runs from another thread: pass it in {@link RunOptions}, then call {@link #cancel()}
 * from any thread; each run using it throws {@link dev.kiln.api.RunCancelledException} at its next check
 * (before the next node, at the next control-flow iteration, or inside a long kernel that checks). A
 * cancelled signal stays cancelled: runs started with it afterwards stop at once. Thread-safe.
 */
public final class RunCancellation {
    private volatile boolean cancelled;

    /** Asks every run using this signal to stop. Idempotent. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return cancelled ? "RunCancellation(cancelled)" : "RunCancellation";
    }
}
