package dev.kiln.backend.cpu.kernels.nn;

/**
 * Per-thread working arrays reused across kernel runs (im2col matrices), so that large temporaries do
 * not churn the heap. A returned array is only valid until the same thread asks again; contents are stale.
 */
final class Scratch {
    private static final ThreadLocal<float[]> FLOATS = new ThreadLocal<>();
    private static final ThreadLocal<double[]> DOUBLES = new ThreadLocal<>();

    private Scratch() {
    }

    static float[] floats(int length) {
        float[] a = FLOATS.get();
        if (a == null || a.length < length) {
            a = new float[length];
            FLOATS.set(a);
        }
        return a;
    }

    static double[] doubles(int length) {
        double[] a = DOUBLES.get();
        if (a == null || a.length < length) {
            a = new double[length];
            DOUBLES.set(a);
        }
        return a;
    }

    /** {@code scratch[i]}, replaced by a new array first when shorter than {@code length}: a kernel's own set of per-thread arrays. */
    static float[] grow(float[][] scratch, int i, int length) {
        if (scratch[i].length < length) {
            scratch[i] = new float[length];
        }
        return scratch[i];
    }
}
