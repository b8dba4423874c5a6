package dev.kiln.api;

/**
 * A run was stopped before it finished: cancelled from another thread, or (as the subclass
 * {@link RunTimeoutException}) past its deadline. The message names the node being executed and how far
 * the run got (steps done, loop iterations). The session that threw it stays usable; the run's partial
 * results are discarded.
 */
public class RunCancelledException extends ExecutionException {
    private static final long serialVersionUID = 1L;

    private final String nodeName;

    /**
     * @param message  the full message, naming the node and the progress
     * @param nodeName the node being executed when the run stopped, or null when between nodes
     */
    public RunCancelledException(String message, String nodeName) {
        super(message);
        this.nodeName = nodeName;
    }

    /** The node being executed when the run stopped (its name, or its description when unnamed); null when between nodes. */
    public String nodeName() {
        return nodeName;
    }
}
