package dev.kiln.runtime.train.layers;

import dev.kiln.api.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a network by name, in creation order: trainable parameters and buffers (state such as
 * BatchNorm's running statistics that training updates without gradients). Holds the current tensors;
 * the trainer swaps in each step's results without copying. Not thread-safe.
 */
public final class Parameters {
    private final Map<String, Tensor> values = new LinkedHashMap<>();
    private final Set<String> buffers = new LinkedHashSet<>();
    private final Rng initRng;

    /** @param seed seeds every initializer draw */
    public Parameters(long seed) {
        this.initRng = new Rng(seed);
    }

    Rng initRng() {
        return initRng;
    }

    void create(String name, Tensor value, boolean buffer) {
        values.put(name, value);
        if (buffer) {
            buffers.add(name);
        }
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    /** The current value; throws naming the parameter when unknown. */
    public Tensor get(String name) {
        Tensor t = values.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; known: " + values.keySet());
        }
        return t;
    }

    /** Replaces a parameter's value (same dtype and shape). */
    public void set(String name, Tensor value) {
        Tensor old = get(name);
        if (!old.shape().equals(value.shape()) || old.dtype() != value.dtype()) {
            throw new IllegalArgumentException("parameter '" + name + "': expected " + old.describe() + ", got " + value.describe());
        }
        values.put(name, value);
    }

    /** Every parameter and buffer, in creation order (read-only view). */
    public Map<String, Tensor> all() {
        return Collections.unmodifiableMap(values);
    }

    public boolean isBuffer(String name) {
        return buffers.contains(name);
    }

    /** Total element count of the trainable parameters. */
    public long trainableCount() {
        long n = 0;
        for (Map.Entry<String, Tensor> e : values.entrySet()) {
            if (!buffers.contains(e.getKey())) {
                n += e.getValue().elementCount();
            }
        }
        return n;
    }
}
