package dev.kiln.api;

/** A model could not be read or is not a valid model; the message names the part that is wrong. */
public class ModelLoadException extends KilnException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
