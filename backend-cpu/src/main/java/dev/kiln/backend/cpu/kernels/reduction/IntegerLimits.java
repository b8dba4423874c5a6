package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.api.tensor.DType;

/** Smallest and largest values of the integer types (and bool) as the long domain holds them; uint64's maximum is all ones. */
final class IntegerLimits {
    private IntegerLimits() {
    }

    static long min(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            case INT4 -> -8;
            case INT2 -> -2;
            default -> 0;
        };
    }

    static long max(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xFF;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xFFFF;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xFFFFFFFFL;
            case INT64 -> Long.MAX_VALUE;
            case UINT64 -> -1L;
            case INT4 -> 7;
            case UINT4 -> 15;
            case INT2 -> 1;
            case UINT2 -> 3;
            case BOOL -> 1;
            default -> Long.MAX_VALUE;
        };
    }
}
