package dev.kiln.backend.cpu.util;

import dev.kiln.api.tensor.DType;

/**
 * Where an elementwise kernel does its arithmetic for a given element type, so that kernels switch on
 * four domains instead of twenty-six types. See {@link ElementCodec} for the conversions in and out.
 */
public enum ComputeDomain {
    /** float32: computed in place on the tensors' {@code float[]} arrays. */
    FLOAT32,
    /** float16 and bfloat16: widened to float in blocks, computed in float, rounded back to nearest even. */
    HALF,
    /** float64: computed on the tensors' {@code double[]} arrays. */
    FLOAT64,
    /** Integer types of every width and bool: computed exactly in {@code long}. */
    INTEGER,
    /** Strings: only comparisons and element moves apply. */
    STRING,
    /** Complex, float8 and float4 types: ONNX defines no arithmetic on them. */
    NONE;

    /** The domain of an element type. */
    public static ComputeDomain of(DType t) {
        return switch (t) {
            case FLOAT -> FLOAT32;
            case FLOAT16, BFLOAT16 -> HALF;
            case DOUBLE -> FLOAT64;
            case STRING -> STRING;
            case COMPLEX64, COMPLEX128, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 -> NONE;
            default -> INTEGER;
        };
    }

    /** True for the three floating domains. */
    public boolean isFloating() {
        return this == FLOAT32 || this == HALF || this == FLOAT64;
    }
}
