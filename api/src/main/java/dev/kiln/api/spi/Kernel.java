package dev.kiln.api.spi;

import dev.kiln.api.Stable;

/**
 * A compiled node. {@link #execute} reads the inputs from the context and sets every requested output.
 *
 * <p>Threading: one kernel may execute concurrently for several runs of the same session, each with its
 * own context; any state kept between calls (prepacked weights) must be immutable after compile.
 * Errors: throw {@link dev.kiln.api.ExecutionException} or {@link dev.kiln.api.InvalidInputException}
 * naming what is wrong; the runtime adds the node's name.
 */
@Stable
@FunctionalInterface
public interface Kernel {
    void execute(KernelContext context);
}
