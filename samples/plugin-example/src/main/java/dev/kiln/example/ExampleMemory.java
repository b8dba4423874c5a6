package dev.kiln.example;

import dev.kiln.api.tensor.DeviceMemory;

/**
 * The example backend's "device memory": a float array the runtime cannot see, standing in for memory
 * on an accelerator. The runtime must go through {@link ExampleBackend#toHost}/{@link ExampleBackend#fromHost}
 * at every boundary with another backend. Release is idempotent and thread-safe.
 */
final class ExampleMemory implements DeviceMemory {
    final float[] data;
    private volatile boolean released;

    ExampleMemory(float[] data) {
        this.data = data;
    }

    @Override
    public String device() {
        return ExampleBackendProvider.ID;
    }

    @Override
    public long byteSize() {
        return 4L * data.length;
    }

    @Override
    public void release() {
        released = true;
    }

    boolean isReleased() {
        return released;
    }
}
