package dev.kiln.api;

/**
 * An allocation a run asked for would take the run's live memory past its budget. Thrown before the
 * memory is allocated, so the heap stays healthy. The message names the node, the requested element
 * type, shape and bytes, and the budget; the session stays usable.
 */
public class MemoryBudgetException extends ExecutionException {
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;
    private final long budgetBytes;

    public MemoryBudgetException(String message, long requestedBytes, long budgetBytes) {
        super(message);
        this.requestedBytes = requestedBytes;
        this.budgetBytes = budgetBytes;
    }

    /** Bytes of the refused allocation. */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** The run's budget in bytes. */
    public long budgetBytes() {
        return budgetBytes;
    }
}
