package dev.kiln.api;

/**
 * An input given to a run is missing, unexpected, or of the wrong element type or shape. The message
 * names the input, what was expected and what was given.
 */
public class InvalidInputException extends KilnException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
