package dev.kiln.runtime.exec;

import dev.kiln.api.spi.Allocator;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * Host tensors the runtime itself makes (scan slices, stacked scan outputs): from the host backend's
 * allocator when one is open, so they are recycled like kernel outputs, else fresh arrays. Thread-safe.
 *
 * @param allocator the host backend's allocator, or null
 */
record HostMemory(Allocator allocator) {
    Tensor allocate(DType dtype, Shape shape, RunState run) {
        if (allocator == null) {
            // not recycled, so not owned: the charge lasts for the rest of the run
            run.reserve(dtype, shape, null);
            return Tensor.zeros(dtype, shape);
        }
        return run.allocate(allocator, dtype, shape, null);
    }
}
