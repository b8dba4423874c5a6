package dev.kiln.api;

import java.time.Duration;

/**
 * A run passed its deadline (a session's run timeout or a per-run one). The message names the deadline,
 * the node being executed and how far the run got; the session stays usable.
 */
public class RunTimeoutException extends RunCancelledException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * @param timeout  the time the run was allowed
     * @param nodeName the node being executed, or null when between nodes
     */
    public RunTimeoutException(String message, Duration timeout, String nodeName) {
        super(message, nodeName);
        this.timeout = timeout;
    }

    /** The time the run was allowed. */
    public Duration timeout() {
        return timeout;
    }
}
