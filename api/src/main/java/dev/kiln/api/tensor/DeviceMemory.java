package dev.kiln.api.tensor;

import dev.kiln.api.Stable;

/**
 * Memory that a backend owns off the Java heap (for example on a GPU). A tensor backed by device
 * memory has no host array; backends copy it to the host with {@code Backend.toHost}.
 *
 * <p>Ownership: the backend's allocator created it and frees it when {@link #release()} is called;
 * releasing twice is a no-op. Implementations must be thread-safe for {@link #release()}.
 */
@Stable
public interface DeviceMemory {
    /** The id of the backend that owns this memory, e.g. {@code cuda}. */
    String device();

    long byteSize();

    void release();
}
