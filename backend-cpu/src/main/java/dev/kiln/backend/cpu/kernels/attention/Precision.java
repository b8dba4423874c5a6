package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;

/**
 * Rounding of double intermediates to the floating type a step of an attention op is defined in, so that
 * a float16 model sees float16 rounding between its steps (scores, softmax, output) as the spec's
 * composition of ops would. Immutable and thread-safe.
 */
enum Precision {
    FLOAT16, BFLOAT16, FLOAT32, FLOAT64;

    /** The precision of a floating tensor type; throws naming the op when the type is not one. */
    static Precision of(String op, int opset, String what, DType t) {
        return switch (t) {
            case FLOAT16 -> FLOAT16;
            case BFLOAT16 -> BFLOAT16;
            case FLOAT -> FLOAT32;
            case DOUBLE -> FLOAT64;
            default -> throw new UnsupportedOpException(op, "", opset, what + " has element type " + t
                    + "; expected float16, bfloat16, float32 or float64");
        };
    }

    /** The precision an ONNX type-code attribute (softmax_precision) names. */
    static Precision ofCode(String op, int opset, String attr, long code) {
        DType t;
        try {
            t = DType.fromCode((int) code);
        } catch (IllegalArgumentException e) {
            t = DType.STRING;
        }
        return of(op, opset, "attribute '" + attr + "' (" + code + ")", t);
    }

    /** {@code x} rounded to nearest in this precision. */
    double round(double x) {
        return switch (this) {
            case FLOAT16 -> FloatFormats.halfToFloat(FloatFormats.floatToHalf((float) x));
            case BFLOAT16 -> FloatFormats.bfloat16ToFloat(FloatFormats.floatToBfloat16((float) x));
            case FLOAT32 -> (float) x;
            case FLOAT64 -> x;
        };
    }

    /** Rounds {@code a[off .. off+n)} in place. */
    void round(double[] a, int off, int n) {
        if (this == FLOAT64) {
            return;
        }
        for (int i = off; i < off + n; i++) {
            a[i] = round(a[i]);
        }
    }
}
