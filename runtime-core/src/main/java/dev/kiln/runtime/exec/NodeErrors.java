package dev.kiln.runtime.exec;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.KilnException;
import dev.kiln.api.MemoryBudgetException;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.RunCancelledException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.Node;

/**
 * Puts the failing node into an exception's message. Kiln's own exception types keep their type (the
 * original becomes the cause); anything else becomes an {@link ExecutionException}. Stateless.
 */
final class NodeErrors {
    private NodeErrors() {
    }

    static KilnException inNode(Node node, RuntimeException e) {
        if (e instanceof RunCancelledException || e instanceof MemoryBudgetException) {
            // they name the innermost node already; an enclosing Loop or If must not retype them
            return (KilnException) e;
        }
        String where = "node " + node.describe();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.startsWith(where)) {
            return e instanceof KilnException k ? k : new ExecutionException(message, e);
        }
        String text = where + ": " + message;
        if (!(e instanceof KilnException)) {
            return new ExecutionException(where + ": kernel failed with " + e.getClass().getSimpleName() + ": " + message, e);
        }
        KilnException wrapped;
        if (e instanceof InvalidInputException) {
            wrapped = new InvalidInputException(text);
            wrapped.initCause(e);
        } else if (e instanceof InvalidGraphException) {
            wrapped = new InvalidGraphException(text);
            wrapped.initCause(e);
        } else if (e instanceof UnsupportedOpException u) {
            wrapped = new UnsupportedOpException(u.opType(), u.domain(), u.opsetVersion(), where + ": " + unsupportedDetail(message));
            wrapped.initCause(e);
        } else if (e instanceof ModelLoadException) {
            wrapped = new ModelLoadException(text, e);
        } else if (e instanceof ExecutionException) {
            wrapped = new ExecutionException(text, e);
        } else if (e.getClass() == KilnException.class) {
            wrapped = new KilnException(text, e);
        } else {
            wrapped = new ExecutionException(text, e);
        }
        return wrapped;
    }

    /**
     * A kernel's allocation the heap could not satisfy. The failed allocation left the heap usable (the
     * kernel's partial results are garbage now), so the caller gets a typed failure instead of an Error.
     */
    static ExecutionException outOfMemory(Node node, OutOfMemoryError e) {
        return new ExecutionException("node " + node.describe() + ": the Java heap (" + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB) cannot hold what the kernel allocates for these inputs (" + e.getMessage() + ")", e);
    }

    /** The detail of an UnsupportedOpException message, without the "unsupported operator X (opset N): " the new one repeats. */
    private static String unsupportedDetail(String message) {
        int end = message.indexOf("): ");
        return message.startsWith("unsupported operator ") && end > 0 ? message.substring(end + 3) : message;
    }
}
