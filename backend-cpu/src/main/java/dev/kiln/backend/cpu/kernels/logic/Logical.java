package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.tensor.DType;

/**
 * The broadcasting logical and bitwise ops, one row each, on exact integer values (bool as 0 and 1).
 * Each row states which element types it takes: bool for And/Or/Xor, integers for the bitwise ops,
 * unsigned integers for BitShift.
 */
enum Logical {
    AND("And", Kind.BOOL) {
        @Override
        long apply(long a, long b) {
            return a & b;
        }
    },
    OR("Or", Kind.BOOL) {
        @Override
        long apply(long a, long b) {
            return a | b;
        }
    },
    XOR("Xor", Kind.BOOL) {
        @Override
        long apply(long a, long b) {
            return a ^ b;
        }
    },
    BITWISE_AND("BitwiseAnd", Kind.INTEGER) {
        @Override
        long apply(long a, long b) {
            return a & b;
        }
    },
    BITWISE_OR("BitwiseOr", Kind.INTEGER) {
        @Override
        long apply(long a, long b) {
            return a | b;
        }
    },
    BITWISE_XOR("BitwiseXor", Kind.INTEGER) {
        @Override
        long apply(long a, long b) {
            return a ^ b;
        }
    },
    /** BitShift with direction LEFT; shifting by the width or more leaves 0 (after wrapping to the type). */
    SHIFT_LEFT("BitShift", Kind.UNSIGNED) {
        @Override
        long apply(long a, long b) {
            return Long.compareUnsigned(b, 64) >= 0 ? 0 : a << b;
        }
    },
    /** BitShift with direction RIGHT, a logical shift (the types are unsigned). */
    SHIFT_RIGHT("BitShift", Kind.UNSIGNED) {
        @Override
        long apply(long a, long b) {
            return Long.compareUnsigned(b, 64) >= 0 ? 0 : a >>> b;
        }
    };

    /** The element types a row accepts. */
    enum Kind {
        BOOL, INTEGER, UNSIGNED;

        boolean accepts(DType t) {
            return switch (this) {
                case BOOL -> t == DType.BOOL;
                case INTEGER -> t.isInteger();
                case UNSIGNED -> t.isUnsigned();
            };
        }

        String describe() {
            return switch (this) {
                case BOOL -> "bool";
                case INTEGER -> "integer";
                case UNSIGNED -> "unsigned integer";
            };
        }
    }

    private final String opType;
    private final Kind kind;

    Logical(String opType, Kind kind) {
        this.opType = opType;
        this.kind = kind;
    }

    String opType() {
        return opType;
    }

    Kind kind() {
        return kind;
    }

    /** The op on exact values: zero-extended for unsigned types, uint64 as its bits, bool as 0/1. */
    abstract long apply(long a, long b);
}
