package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.math.FloatActivations;

/**
 * What a float Conv adds after the product, per output element: {@code y = act(y + bias[channel] + residual)}. Each
 * part may be null (absent). The residual has the output's (N x M x spatial) layout and is read at the same index
 * as y. {@code relu} says that the activation is Relu (max(v, 0)), so that a vector path may apply it in its own
 * pass; the activation is set all the same. Immutable; {@link #apply} is safe from several threads on disjoint
 * ranges.
 */
record ConvEpilogue(float[] bias, float[] residual, FloatActivations.InPlace activation, boolean relu) {
    static final ConvEpilogue NONE = new ConvEpilogue(null, null, null);

    ConvEpilogue {
        if (relu && activation == null) {
            throw new IllegalArgumentException("a Relu epilogue needs its activation");
        }
    }

    /** An epilogue whose activation (if any) is not known to be Relu. */
    ConvEpilogue(float[] bias, float[] residual, FloatActivations.InPlace activation) {
        this(bias, residual, activation, false);
    }

    boolean isEmpty() {
        return bias == null && residual == null && activation == null;
    }

    /** Applies to {@code y[off, off + len)}, all of output channel {@code channel}. */
    void apply(float[] y, int off, int channel, int len) {
        float v = bias == null ? 0f : bias[channel];
        if (residual != null) {
            for (int i = off; i < off + len; i++) {
                y[i] += v + residual[i];
            }
        } else if (bias != null) {
            for (int i = off; i < off + len; i++) {
                y[i] += v;
            }
        }
        if (activation != null) {
            activation.apply(y, off, off + len);
        }
    }

    /** Applies to a whole (n x m x plane) output, one channel plane per task. */
    void applyPlanes(float[] y, int n, int m, int plane, CpuExecution execution) {
        if (isEmpty()) {
            return;
        }
        execution.parallelFor(n * m, (long) plane * (activation == null ? 2 : 8), (from, to) -> {
            for (int p = from; p < to; p++) {
                apply(y, p * plane, p % m, plane);
            }
        });
    }
}
