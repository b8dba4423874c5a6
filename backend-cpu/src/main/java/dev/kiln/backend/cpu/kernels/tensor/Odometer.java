package dev.kiln.backend.cpu.kernels.tensor;

/**
 * Walks a multi-index over {@code dims} in row-major order while keeping two linear offsets (source and
 * destination) up to date incrementally, so loops over outer dimensions do no division per step.
 * Not thread-safe: each worker uses its own.
 */
public final class Odometer {
    private final int[] dims;
    private final int[] strideA;
    private final int[] strideB;
    private final int[] index;
    private int a;
    private int b;

    /** Positioned at linear index {@code start}; offsets start from {@code baseA} and {@code baseB}. */
    public Odometer(int[] dims, int[] strideA, int baseA, int[] strideB, int baseB, long start) {
        this.dims = dims;
        this.strideA = strideA;
        this.strideB = strideB;
        this.index = new int[dims.length];
        a = baseA;
        b = baseB;
        long rest = start;
        for (int k = dims.length - 1; k >= 0; k--) {
            int i = (int) (rest % dims[k]);
            rest /= dims[k];
            index[k] = i;
            a += i * strideA[k];
            b += i * strideB[k];
        }
    }

    public int a() {
        return a;
    }

    public int b() {
        return b;
    }

    /** Current index along dimension {@code k}. */
    public int index(int k) {
        return index[k];
    }

    /** Steps to the next multi-index. */
    public void next() {
        for (int k = dims.length - 1; k >= 0; k--) {
            if (++index[k] < dims[k]) {
                a += strideA[k];
                b += strideB[k];
                return;
            }
            index[k] = 0;
            a -= (dims[k] - 1) * strideA[k];
            b -= (dims[k] - 1) * strideB[k];
        }
    }
}
