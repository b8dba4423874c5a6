package dev.kiln.api;

/**
 * Root of every exception Kiln throws on purpose. Unchecked: callers that want to tell failures apart
 * catch the typed subclasses ({@link ModelLoadException}, {@link InvalidInputException},
 * {@link UnsupportedOpException}, {@link ExecutionException}).
 */
public class KilnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
