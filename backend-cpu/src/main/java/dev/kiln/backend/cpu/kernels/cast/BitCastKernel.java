package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * BitCast (opset 26): reinterprets each element's bits as another type of the same bit width. Complex
 * values read as (real, imaginary) in little-endian order, so the real part is the low half. Sub-byte
 * types keep their low bits, sign-extended for the signed ones. Immutable and thread-safe.
 */
public final class BitCastKernel implements Kernel {
    private final DType to;

    BitCastKernel(DType to) {
        this.to = to;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType from = x.dtype();
        if (from == DType.STRING || to == DType.STRING || bits(from) != bits(to) || bits(to) > 64) {
            throw new InvalidInputException("BitCast: cannot reinterpret " + x.describe() + " as " + to
                    + "; expected a non-string type of the same bit width (" + bits(from) + " bits)");
        }
        Tensor y = ctx.allocate(to, x.shape());
        for (int i = 0; i < x.size(); i++) {
            write(y, i, read(x, i));
        }
        ctx.setOutput(0, y);
    }

    static int bits(DType t) {
        return switch (t) {
            case INT4, UINT4, FLOAT4E2M1 -> 4;
            case INT2, UINT2 -> 2;
            case BOOL -> 8;
            default -> t.byteSize() * 8;
        };
    }

    /** The raw bits of element {@code i}, zero-extended. */
    private static long read(Tensor t, int i) {
        long mask = bits(t.dtype()) == 64 ? -1L : (1L << bits(t.dtype())) - 1;
        long raw = switch (t.dtype().storage()) {
            case FLOAT -> t.dtype().isComplex()
                    ? Integer.toUnsignedLong(Float.floatToRawIntBits(t.floatData()[2 * i]))
                            | (long) Float.floatToRawIntBits(t.floatData()[2 * i + 1]) << 32
                    : Float.floatToRawIntBits(t.floatData()[i]);
            case DOUBLE -> Double.doubleToRawLongBits(t.doubleData()[i]);
            case LONG -> t.longData()[i];
            case INT -> t.intData()[i];
            case SHORT -> t.shortData()[i];
            case BYTE -> t.byteData()[i];
            case BOOLEAN -> t.booleanData()[i] ? 1 : 0;
            default -> throw new IllegalStateException("no bits for " + t.dtype());
        };
        return raw & mask;
    }

    private static void write(Tensor t, int i, long bits) {
        switch (t.dtype().storage()) {
            case FLOAT -> {
                if (t.dtype().isComplex()) {
                    t.floatData()[2 * i] = Float.intBitsToFloat((int) bits);
                    t.floatData()[2 * i + 1] = Float.intBitsToFloat((int) (bits >>> 32));
                } else {
                    t.floatData()[i] = Float.intBitsToFloat((int) bits);
                }
            }
            case DOUBLE -> t.doubleData()[i] = Double.longBitsToDouble(bits);
            case LONG -> t.longData()[i] = bits;
            case INT -> t.intData()[i] = (int) bits;
            case SHORT -> t.shortData()[i] = (short) bits;
            case BYTE -> t.byteData()[i] = (byte) (t.dtype().isInteger() ? ElementCodec.wrap(bits, t.dtype()) : bits);
            case BOOLEAN -> t.booleanData()[i] = bits != 0;
            default -> throw new IllegalStateException("no bits for " + t.dtype());
        }
    }
}
