package dev.kiln.runtime.train.layers;

import java.util.Arrays;

/**
 * A value of the graph being built with its shape; dimension 0 is the batch and is {@code -1}.
 *
 * @param name  the IR value name
 * @param shape the dimensions, batch first as -1
 */
public record Sym(String name, long[] shape) {
    public Sym {
        shape = shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Elements per sample (product of every dimension but the batch). */
    public long featureCount() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
