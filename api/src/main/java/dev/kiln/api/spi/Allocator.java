package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * Hands out tensors in a backend's memory and takes them back for reuse. Thread-safe.
 * Ownership: a tensor from {@link #allocate} belongs to the caller until passed to {@link #release};
 * after that it must not be read or written. Releasing a tensor the allocator did not make is a no-op.
 */
@Stable
public interface Allocator {
    /** A tensor whose elements are zero (false, empty string). */
    Tensor allocate(DType dtype, Shape shape);

    /**
     * A tensor whose elements are unspecified (recycled memory is not cleared), for a caller that writes
     * every element before anything reads one. The default clears like {@link #allocate}.
     */
    default Tensor allocateUninitialized(DType dtype, Shape shape) {
        return allocate(dtype, shape);
    }

    /** Returns a tensor's memory for reuse. */
    void release(Tensor tensor);

    /** Bytes currently held for reuse (not handed out), for diagnostics. */
    long pooledBytes();
}
