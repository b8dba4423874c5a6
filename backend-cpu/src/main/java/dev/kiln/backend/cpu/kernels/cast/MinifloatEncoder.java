package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.tensor.DType;

/**
 * Encodes values into the float8 types, float4e2m1 and float8e8m0 as Cast specifies: round to nearest
 * even at the target precision, then saturate to the largest finite value or overflow to infinity/NaN
 * according to the 'saturate' attribute. Decoding lives in {@link dev.kiln.api.tensor.FloatFormats}.
 * Immutable and thread-safe.
 */
public final class MinifloatEncoder {
    /** The rounding mode for float8e8m0, Cast's 'round_mode' attribute. */
    public enum E8M0Rounding {
        /** Away from zero (the default): the next power of two at or above |x|. */
        UP,
        /** Toward zero: the power of two at or below |x|. */
        DOWN,
        /** To the nearer power of two, ties up. */
        NEAREST;

        static E8M0Rounding parse(String mode) {
            return switch (mode) {
                case "up" -> UP;
                case "down" -> DOWN;
                case "nearest" -> NEAREST;
                default -> throw new IllegalArgumentException("attribute 'round_mode' must be up, down or nearest, got '" + mode + "'");
            };
        }
    }

    private final DType type;
    private final int mantBits;
    private final int bias;
    private final double max;
    private final int maxCode;
    private final int signBit;
    /** No negative zero and a single NaN at the sign bit's place (the FNUZ types). */
    private final boolean fnuz;
    private final boolean saturate;
    private final E8M0Rounding rounding;

    private MinifloatEncoder(DType type, int expBits, int mantBits, int bias, double max, int maxCode, boolean fnuz, boolean saturate,
                             E8M0Rounding rounding) {
        this.type = type;
        this.mantBits = mantBits;
        this.bias = bias;
        this.max = max;
        this.maxCode = maxCode;
        this.signBit = 1 << (expBits + mantBits);
        this.fnuz = fnuz;
        this.saturate = saturate;
        this.rounding = rounding;
    }

    /** True for the types this class encodes. */
    public static boolean handles(DType t) {
        return switch (t) {
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0 -> true;
            default -> false;
        };
    }

    /** The encoder for a target type; float4e2m1 always saturates, 'rounding' matters only for float8e8m0. */
    public static MinifloatEncoder forType(DType t, boolean saturate, E8M0Rounding rounding) {
        return switch (t) {
            case FLOAT8E4M3FN -> new MinifloatEncoder(t, 4, 3, 7, 448, 0x7E, false, saturate, rounding);
            case FLOAT8E4M3FNUZ -> new MinifloatEncoder(t, 4, 3, 8, 240, 0x7F, true, saturate, rounding);
            case FLOAT8E5M2 -> new MinifloatEncoder(t, 5, 2, 15, 57344, 0x7B, false, saturate, rounding);
            case FLOAT8E5M2FNUZ -> new MinifloatEncoder(t, 5, 2, 16, 57344, 0x7F, true, saturate, rounding);
            case FLOAT4E2M1 -> new MinifloatEncoder(t, 2, 1, 1, 6, 0x7, false, true, rounding);
            case FLOAT8E8M0 -> new MinifloatEncoder(t, 8, 0, 127, 0x1p127, 0xFE, false, saturate, rounding);
            default -> throw new IllegalArgumentException(t + " is not a float8 or float4 type");
        };
    }

    /** The bits of {@code x} in the target type, in the low bits of the result. */
    public int encode(double x) {
        if (type == DType.FLOAT8E8M0) {
            return encodeE8M0(x);
        }
        boolean negative = Double.doubleToRawLongBits(x) < 0;
        int sign = negative ? signBit : 0;
        if (Double.isNaN(x)) {
            return nan(sign);
        }
        double a = Math.abs(x);
        if (Double.isInfinite(a)) {
            return saturate ? sign | maxCode : overflow(sign);
        }
        int minExponent = 1 - bias;
        int quantum = Math.max(Math.getExponent(a), minExponent) - mantBits;
        double units = Math.rint(Math.scalb(a, -quantum));
        double rounded = Math.scalb(units, quantum);
        if (rounded > max) {
            return saturate ? sign | maxCode : overflow(sign);
        }
        if (rounded == 0) {
            return fnuz ? 0 : sign;
        }
        int exponent = Math.getExponent(rounded);
        if (exponent < minExponent) {
            // subnormal: the exponent field is 0 and the mantissa counts quanta of the smallest subnormal
            return sign | (int) units;
        }
        int mantissa = (int) Math.scalb(rounded, mantBits - exponent) - (1 << mantBits);
        return sign | ((exponent + bias) << mantBits) | mantissa;
    }

    private int nan(int sign) {
        return switch (type) {
            case FLOAT8E4M3FN -> sign | 0x7F;
            case FLOAT8E5M2 -> sign | 0x7E;
            // float4e2m1 has no NaN; ONNX's reference maps NaN to the negative-zero pattern
            case FLOAT4E2M1 -> 0x8;
            default -> 0x80;
        };
    }

    /** The code for a value beyond the largest finite one when not saturating. */
    private int overflow(int sign) {
        return switch (type) {
            case FLOAT8E4M3FN -> sign | 0x7F;
            case FLOAT8E5M2 -> sign | 0x7C;
            default -> 0x80;
        };
    }

    /** float8e8m0 holds only powers of two 2^(code-127); 0xFF is NaN. The sign of x is ignored (the spec leaves it undefined). */
    private int encodeE8M0(double x) {
        if (Double.isNaN(x)) {
            return 0xFF;
        }
        double a = Math.abs(x);
        if (Double.isInfinite(a)) {
            return saturate ? 0xFE : 0xFF;
        }
        if (a == 0) {
            return saturate ? 0x00 : 0xFF;
        }
        int e = Math.getExponent(a);
        double fraction = Math.scalb(a, -e);
        int k = switch (rounding) {
            case UP -> fraction > 1 ? e + 1 : e;
            case DOWN -> e;
            case NEAREST -> fraction >= 1.5 ? e + 1 : e;
        };
        int code = k + 127;
        if (code > 0xFE) {
            return saturate ? 0xFE : 0xFF;
        }
        if (code < 0) {
            return saturate ? 0x00 : 0xFF;
        }
        return code;
    }
}
