package dev.kiln.api.format;

import dev.kiln.api.Stable;
import java.nio.file.Path;

/**
 * Limits and context for reading a model.
 *
 * @param baseDirectory the folder external data is resolved in (the model file's folder); null when
 *                      the model came from bytes or a stream, in which case external data is refused
 * @param maxBytes      the most bytes of tensor data a model may allocate (initializers, constants,
 *                      external data together)
 * @param maxGraphDepth the deepest nesting of subgraphs accepted
 */
@Stable
public record ModelLoadOptions(Path baseDirectory, long maxBytes, int maxGraphDepth) {
    /** 4 GiB of tensor data by default: large enough for common models, small enough to refuse absurd ones. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;
    public static final int DEFAULT_MAX_GRAPH_DEPTH = 32;

    public ModelLoadOptions {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxGraphDepth < 1) {
            throw new IllegalArgumentException("maxGraphDepth must be at least 1, got " + maxGraphDepth);
        }
    }

    public static ModelLoadOptions defaults() {
        return new ModelLoadOptions(null, DEFAULT_MAX_BYTES, DEFAULT_MAX_GRAPH_DEPTH);
    }

    /** Defaults with external data resolved inside {@code dir}. */
    public static ModelLoadOptions inDirectory(Path dir) {
        return new ModelLoadOptions(dir, DEFAULT_MAX_BYTES, DEFAULT_MAX_GRAPH_DEPTH);
    }

    public ModelLoadOptions withMaxBytes(long bytes) {
        return new ModelLoadOptions(baseDirectory, bytes, maxGraphDepth);
    }

    public ModelLoadOptions withBaseDirectory(Path dir) {
        return new ModelLoadOptions(dir, maxBytes, maxGraphDepth);
    }
}
