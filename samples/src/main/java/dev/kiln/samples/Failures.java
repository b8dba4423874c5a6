package dev.kiln.samples;

import dev.kiln.api.KilnException;

/** Turns exceptions into the one-line reasons the command line and the conformance report print. */
public final class Failures {
    private static final int MAX_LENGTH = 300;

    private Failures() {
    }

    /**
     * The first line of the message: Kiln's own messages as they are (they are written for users),
     * anything else prefixed with its type, since "NullPointerException" says more than a null message.
     */
    public static String oneLine(Throwable t) {
        String message = t.getMessage();
        String line = message == null || message.isBlank() ? "" : message.strip().lines().findFirst().orElse("");
        if (!(t instanceof KilnException)) {
            line = line.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + line;
        }
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 3) + "...";
    }
}
