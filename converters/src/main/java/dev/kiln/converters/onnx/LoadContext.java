package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;

/**
 * State of one model load: the caller's limits, the external-data folder and the tensor bytes
 * allocated so far. Not thread-safe; one per load.
 */
final class LoadContext {
    private final ModelLoadOptions options;
    private final ExternalData external;
    private long bytesUsed;

    LoadContext(ModelLoadOptions options) {
        this.options = options;
        this.external = new ExternalData(options.baseDirectory());
    }

    static LoadContext defaults() {
        return new LoadContext(ModelLoadOptions.defaults());
    }

    ModelLoadOptions options() {
        return options;
    }

    ExternalData external() {
        return external;
    }

    /** Counts {@code bytes} of tensor data against the load's limit before they are allocated. */
    void charge(long bytes, String what) {
        long total = bytesUsed + bytes;
        if (total < 0 || total > options.maxBytes()) {
            throw new ModelLoadException(what + ": loading " + bytes + " more bytes of tensor data would exceed the limit of "
                    + options.maxBytes() + " bytes (ModelLoadOptions.maxBytes)");
        }
        bytesUsed = total;
    }
}
