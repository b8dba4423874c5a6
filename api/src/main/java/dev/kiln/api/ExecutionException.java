package dev.kiln.api;

/** A node failed while a graph was running; the message names the node and its op. */
public class ExecutionException extends KilnException {
    private static final long serialVersionUID = 1L;

    public ExecutionException(String message) {
        super(message);
    }

    public ExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
