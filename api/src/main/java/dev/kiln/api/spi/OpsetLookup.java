package dev.kiln.api.spi;

import dev.kiln.api.Stable;

/** Gives the opset version a model imports for a domain ({@code ""} is ai.onnx); -1 when not imported. */
@Stable
@FunctionalInterface
public interface OpsetLookup {
    int version(String domain);
}
