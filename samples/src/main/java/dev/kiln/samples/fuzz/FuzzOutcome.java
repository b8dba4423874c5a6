package dev.kiln.samples.fuzz;

/** How one fuzz case ended. Only {@link #OK} and {@link #TYPED} are acceptable. */
public enum FuzzOutcome {
    /** Loaded and ran. */
    OK(true),
    /** Refused or failed with a subclass of {@code dev.kiln.api.KilnException}. */
    TYPED(true),
    /** Any other exception escaped. */
    UNTYPED(false),
    OUT_OF_MEMORY(false),
    STACK_OVERFLOW(false),
    /** The child JVM died without answering. */
    CRASH(false),
    /** No answer within the time limit; the child was killed. */
    HANG(false);

    private final boolean allowed;

    FuzzOutcome(boolean allowed) {
        this.allowed = allowed;
    }

    public boolean allowed() {
        return allowed;
    }
}
