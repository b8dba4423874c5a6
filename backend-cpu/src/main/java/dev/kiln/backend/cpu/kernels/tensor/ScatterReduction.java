package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/** The 'reduction' attribute of ScatterElements and ScatterND: how an update combines with the value already there. */
public enum ScatterReduction {
    NONE, ADD, MUL, MAX, MIN;

    /** The reduction a node asks for; unknown names are an unsupported-op error. */
    public static ScatterReduction of(KernelRequest request) {
        String r = Args.choice(request, "reduction", "none", "none", "add", "mul", "max", "min");
        return valueOf(r.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Applies {@code updates[i]} to {@code out} at slot {@code offsets[i]} for every update in order. {@code out}
     * already holds a copy of the data; offsets count elements (times the slots of complex types for NONE).
     */
    public void scatter(Tensor updates, int[] offsets, Tensor out) {
        int n = offsets.length;
        if (this == NONE) {
            int slots = out.dtype().slotsPerElement();
            Elements.scatter(updates.data(), Indices.slotOffsets(offsets, slots), n * slots, out.data());
            return;
        }
        DType t = out.dtype();
        if (!NumericArrays.numeric(t) || t == DType.BOOL && (this == ADD || this == MUL)) {
            throw new InvalidInputException("input 'data': reduction '" + name().toLowerCase() + "' is not defined for " + t + " tensors");
        }
        if (t == DType.FLOAT) {
            float[] o = out.floatData();
            float[] u = updates.floatData();
            for (int i = 0; i < n; i++) {
                o[offsets[i]] = (float) apply(o[offsets[i]], u[i]);
            }
        } else if (NumericArrays.integral(t)) {
            long[] o = NumericArrays.longs(out);
            long[] u = NumericArrays.longs(updates);
            boolean unsigned = t == DType.UINT64;
            for (int i = 0; i < n; i++) {
                o[offsets[i]] = apply(o[offsets[i]], u[i], unsigned);
            }
            NumericArrays.store(o, out);
        } else {
            double[] o = NumericArrays.doubles(out);
            double[] u = NumericArrays.doubles(updates);
            for (int i = 0; i < n; i++) {
                o[offsets[i]] = apply(o[offsets[i]], u[i]);
            }
            NumericArrays.store(o, out);
        }
    }

    private double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case MUL -> a * b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case NONE -> b;
        };
    }

    private long apply(long a, long b, boolean unsigned) {
        return switch (this) {
            case ADD -> a + b;
            case MUL -> a * b;
            case MAX -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) >= 0 ? a : b;
            case MIN -> (unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)) <= 0 ? a : b;
            case NONE -> b;
        };
    }
}
