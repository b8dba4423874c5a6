package dev.kiln.api.ir;

import dev.kiln.api.KilnException;

/** A graph breaks an IR invariant; the message names the graph, the node or value, and the rule. */
public class InvalidGraphException extends KilnException {
    private static final long serialVersionUID = 1L;

    public InvalidGraphException(String message) {
        super(message);
    }
}
