package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cast and CastLike against ONNX Runtime for every pair of the types ORT's Java API can feed, strings included. */
class CastOrtComparisonTest {
    private static final int OPSET = 21;

    /** Values that exercise rounding, sign, fractions and range, written into a tensor of the given type. */
    static Tensor sample(DType type) {
        double[] values = {0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3.7, -3.7, 100.25, -100.75, 127, -128, 255, 1e-3, 65504, 1234567.9,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        Random r = new Random(3);
        Tensor t = Tensor.zeros(type, values.length);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            boolean special = Double.isNaN(v) || Double.isInfinite(v);
            switch (type) {
                case FLOAT -> t.floatData()[i] = (float) v;
                case DOUBLE -> t.doubleData()[i] = v;
                case FLOAT16 -> t.shortData()[i] = FloatFormats.floatToHalf((float) v);
                case BFLOAT16 -> t.shortData()[i] = FloatFormats.floatToBfloat16((float) v);
                case INT8, UINT8 -> t.byteData()[i] = (byte) (special ? r.nextInt() : (long) v);
                case INT16 -> t.shortData()[i] = (short) (special ? r.nextInt() : (long) v);
                case INT32 -> t.intData()[i] = special ? r.nextInt() : (int) v;
                case INT64 -> t.longData()[i] = special ? r.nextLong() : (long) v;
                case BOOL -> t.booleanData()[i] = v != 0;
                case STRING -> t.stringData()[i] = special ? (Double.isNaN(v) ? "NaN" : v > 0 ? "INF" : "-INF") : Double.toString(v);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return t;
    }

    private static boolean floatSource(DType t) {
        return t.isFloatingPoint() || t == DType.STRING;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT", "DOUBLE", "FLOAT16", "BFLOAT16", "INT8", "UINT8", "INT16", "INT32", "INT64", "BOOL",
        "STRING"})
    void everyTargetFromThisSource(DType from) {
        for (DType to : new DType[] {DType.FLOAT, DType.DOUBLE, DType.FLOAT16, DType.BFLOAT16, DType.INT8, DType.UINT8, DType.INT16,
            DType.UINT16, DType.INT32, DType.UINT32, DType.INT64, DType.UINT64, DType.BOOL, DType.STRING}) {
            Tensor x = sample(from);
            if (floatSource(from) && to.isInteger() || from == DType.STRING && to == DType.BOOL) {
                // out-of-range float to integer casts are undefined, and ORT rejects non-numeric text for bool
                x = inRange(x, to);
            }
            Node cast = Node.builder("Cast").input("x").output("y").attr("to", (long) to.code()).build();
            try {
                KernelHarness.assertMatchesOrt(cast, OPSET, 0, 0, x);
            } catch (AssertionError e) {
                throw new AssertionError(from + " -> " + to + ": " + e.getMessage(), e);
            }
        }
    }

    /** The elements that are finite and inside the target's range (any finite value for bool). */
    private static Tensor inRange(Tensor x, DType to) {
        double hi = switch (to) {
            case INT8 -> 127;
            case UINT8 -> 255;
            case INT16 -> 32767;
            case UINT16 -> 65535;
            case BOOL -> Double.MAX_VALUE;
            default -> 1e6;
        };
        double lo = to.isUnsigned() ? 0 : -hi;
        int n = 0;
        int[] keep = new int[x.size()];
        for (int i = 0; i < x.size(); i++) {
            double v = x.dtype() == DType.STRING ? Double.parseDouble(x.getString(i).replace("INF", "Infinity")) : x.getDouble(i);
            if (v >= lo && v <= hi) {
                keep[n++] = i;
            }
        }
        Tensor out = Tensor.zeros(x.dtype(), n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), keep[i], out.data(), i, 1);
        }
        return out;
    }
}
