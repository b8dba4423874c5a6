package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/** Reading sequence and optional inputs and their positions, shared by the sequence kernels. Stateless. */
final class SequenceValues {
    private SequenceValues() {
    }

    /** Input {@code i} as a sequence; throws naming the input when it is anything else. */
    static TensorSequence sequence(KernelContext ctx, int i, String what) {
        RuntimeValue v = ctx.input(i);
        if (v instanceof TensorSequence s) {
            return s;
        }
        throw new InvalidInputException(what + ": expected a tensor sequence, got " + (v == null ? "nothing" : v.describe()));
    }

    /**
     * The optional scalar 'position' input {@code i} normalized to {@code [0, limit]}; {@code fallback} when absent.
     * Negative positions count from the back of a sequence of {@code size} tensors.
     */
    static int position(KernelContext ctx, int i, int size, int limit, int fallback) {
        if (!ctx.hasInput(i)) {
            return fallback;
        }
        Tensor t = ctx.tensor(i);
        Args.longs(t, "input 'position'");
        long p = Args.scalarLong(t, "input 'position'");
        long normalized = p < 0 ? p + size : p;
        if (normalized < 0 || normalized > limit) {
            throw new InvalidInputException("input 'position': expected a value in [" + (-size) + ", " + (limit == size ? size : size - 1)
                    + "] for a sequence of " + size + " tensors, got " + p);
        }
        return (int) normalized;
    }

    /** The static type of a run-time value, with tensor shapes left unknown inside sequences. */
    static ValueType typeOf(RuntimeValue v) {
        if (v instanceof Tensor t) {
            return new ValueType.TensorType(t.dtype(), t.shape());
        }
        if (v instanceof TensorSequence s) {
            return new ValueType.SequenceType(new ValueType.TensorType(s.elementType(), null));
        }
        if (v instanceof OptionalValue o) {
            return new ValueType.OptionalType(o.elementType());
        }
        throw new InvalidInputException("expected a tensor, sequence or optional, got " + v.describe());
    }
}
