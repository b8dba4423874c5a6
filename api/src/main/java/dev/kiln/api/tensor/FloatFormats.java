package dev.kiln.api.tensor;

/**
 * Conversions between {@code float} and the narrow floating-point formats Kiln stores as raw bits.
 * Narrowing conversions round to nearest even. Float8/float4 encoders with ONNX's saturation rules
 * belong to the Cast kernels; decoding is here because every accessor needs it.
 */
public final class FloatFormats {
    private FloatFormats() {
    }

    /** IEEE half (binary16) bits to float. */
    public static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE half bits, round to nearest even; overflow goes to infinity, NaN stays NaN. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // subnormal: shift the mantissa with its implicit bit, rounding to nearest even
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int h = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
            h++; // may carry into the exponent, which correctly yields the next binade or infinity
        }
        return (short) (sign | h);
    }

    /** bfloat16 bits to float. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Float to bfloat16 bits, round to nearest even; NaN stays NaN. */
    public static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Decodes one float8, float4 or e8m0 element of the given type to float. */
    public static float minifloatToFloat(DType type, byte bits) {
        int b = bits & 0xFF;
        switch (type) {
            case FLOAT8E4M3FN: {
                if ((b & 0x7F) == 0x7F) {
                    return Float.NaN;
                }
                return decode(b, 4, 3, 7);
            }
            case FLOAT8E4M3FNUZ: {
                if (b == 0x80) {
                    return Float.NaN;
                }
                return decode(b, 4, 3, 8);
            }
            case FLOAT8E5M2: {
                int e = (b >>> 2) & 0x1F;
                if (e == 0x1F) {
                    if ((b & 0x3) != 0) {
                        return Float.NaN;
                    }
                    return (b & 0x80) != 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                }
                return decode(b, 5, 2, 15);
            }
            case FLOAT8E5M2FNUZ: {
                if (b == 0x80) {
                    return Float.NaN;
                }
                return decode(b, 5, 2, 16);
            }
            case FLOAT4E2M1:
                return decode(b & 0xF, 2, 1, 1);
            case FLOAT8E8M0:
                return b == 0xFF ? Float.NaN : (float) Math.scalb(1.0, b - 127);
            default:
                throw new IllegalArgumentException(type + " is not a minifloat type");
        }
    }

    private static float decode(int b, int expBits, int mantBits, int bias) {
        int signBit = 1 << (expBits + mantBits);
        boolean neg = (b & signBit) != 0;
        int e = (b >>> mantBits) & ((1 << expBits) - 1);
        int m = b & ((1 << mantBits) - 1);
        double v;
        if (e == 0) {
            v = Math.scalb((double) m, 1 - bias - mantBits);
        } else {
            v = Math.scalb((double) ((1 << mantBits) | m), e - bias - mantBits);
        }
        return (float) (neg ? -v : v);
    }
}
