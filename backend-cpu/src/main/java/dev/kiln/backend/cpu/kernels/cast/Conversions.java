package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * Element conversions between any two non-complex types, block by block through the domain that keeps
 * each pair exact where it can be: integers and bool through long, floating to integer through double
 * (truncating toward zero, then keeping the low bits), integers to floating rounding once, floating to
 * floating through float (or double when the target is float64), float8/float4 targets through
 * {@link MinifloatEncoder}, strings through {@link NumberText}.
 */
final class Conversions {
    private static final double TWO_63 = 0x1p63;

    private Conversions() {
    }

    /** Fills {@code dst} with the elements of {@code src} (same shape) converted to dst's type. */
    static void convert(Tensor src, Tensor dst, MinifloatEncoder encoder, CpuExecution execution) {
        DType from = src.dtype();
        DType to = dst.dtype();
        if (from.isComplex() || to.isComplex()) {
            throw new InvalidInputException("Cast input 'input': casting from or to complex types is not defined, got " + src.describe()
                    + " to " + to);
        }
        int n = src.size();
        if (to == DType.STRING) {
            toText(src, dst.stringData());
            return;
        }
        if (from == DType.STRING) {
            fromText(src.stringData(), dst, encoder);
            return;
        }
        execution.parallelFor(n, 2, (s, e) -> convertRange(src, dst, encoder, s, e));
    }

    private static boolean integral(DType t) {
        return t.isInteger() || t == DType.BOOL;
    }

    private static void convertRange(Tensor src, Tensor dst, MinifloatEncoder encoder, int start, int end) {
        DType from = src.dtype();
        DType to = dst.dtype();
        int block = Math.min(ElementCodec.BLOCK, end - start);
        boolean viaDouble = integral(to) ? !integral(from) : to == DType.DOUBLE || encoder != null;
        long[] longs = integral(from) || integral(to) ? new long[block] : null;
        double[] doubles = viaDouble ? new double[block] : null;
        float[] floats = !integral(to) && !viaDouble ? new float[block] : null;
        boolean unsignedSource = from == DType.UINT64;
        for (int p = start; p < end; p += block) {
            int len = Math.min(block, end - p);
            if (integral(to)) {
                if (integral(from)) {
                    ElementCodec.toLong(src, p, longs, 0, len);
                } else {
                    ElementCodec.toDouble(src, p, doubles, 0, len);
                    truncate(doubles, longs, len, to);
                }
                ElementCodec.fromLong(longs, 0, dst, p, len);
            } else if (viaDouble) {
                if (integral(from)) {
                    ElementCodec.toLong(src, p, longs, 0, len);
                    for (int i = 0; i < len; i++) {
                        doubles[i] = unsignedSource ? unsignedToDouble(longs[i]) : longs[i];
                    }
                } else {
                    ElementCodec.toDouble(src, p, doubles, 0, len);
                }
                if (encoder != null) {
                    byte[] d = dst.byteData();
                    for (int i = 0; i < len; i++) {
                        d[p + i] = (byte) encoder.encode(doubles[i]);
                    }
                } else {
                    ElementCodec.fromDouble(doubles, 0, dst, p, len);
                }
            } else {
                if (integral(from)) {
                    ElementCodec.toLong(src, p, longs, 0, len);
                    for (int i = 0; i < len; i++) {
                        floats[i] = unsignedSource ? unsignedToFloat(longs[i]) : (float) longs[i];
                    }
                } else {
                    ElementCodec.toFloat(src, p, floats, 0, len);
                }
                ElementCodec.fromFloat(floats, 0, dst, p, len);
            }
        }
    }

    /** Floating to integer: bool is "nonzero" (NaN included), other types truncate toward zero; uint64 takes values up to 2^64. */
    private static void truncate(double[] v, long[] out, int n, DType to) {
        if (to == DType.BOOL) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i] != 0 ? 1 : 0;
            }
        } else if (to == DType.UINT64) {
            for (int i = 0; i < n; i++) {
                double d = v[i];
                out[i] = d >= TWO_63 ? (long) (d - TWO_63) ^ Long.MIN_VALUE : (long) d;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = (long) v[i];
            }
        }
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2f;
    }

    private static void toText(Tensor src, String[] out) {
        DType from = src.dtype();
        int n = src.size();
        if (from == DType.STRING) {
            System.arraycopy(src.stringData(), 0, out, 0, n);
        } else if (from.isFloatingPoint()) {
            for (int i = 0; i < n; i++) {
                out[i] = NumberText.formatFloating(src.getDouble(i));
            }
        } else {
            boolean unsigned64 = from == DType.UINT64;
            for (int i = 0; i < n; i++) {
                out[i] = NumberText.formatInteger(src.getLong(i), unsigned64);
            }
        }
    }

    private static void fromText(String[] text, Tensor dst, MinifloatEncoder encoder) {
        DType to = dst.dtype();
        int n = text.length;
        int i = 0;
        try {
            if (encoder != null) {
                byte[] d = dst.byteData();
                for (; i < n; i++) {
                    d[i] = (byte) encoder.encode(NumberText.parseFloating(text[i]));
                }
            } else if (to.isFloatingPoint()) {
                double[] v = new double[1];
                for (; i < n; i++) {
                    v[0] = NumberText.parseFloating(text[i]);
                    ElementCodec.fromDouble(v, 0, dst, i, 1);
                }
            } else {
                // bool reads an unsigned integer and tests it for zero, as ONNX Runtime does
                boolean unsigned = to.isUnsigned() || to == DType.BOOL;
                long[] v = new long[1];
                for (; i < n; i++) {
                    v[0] = NumberText.parseInteger(text[i], unsigned);
                    ElementCodec.fromLong(v, 0, dst, i, 1);
                }
            }
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Cast input 'input': element " + i + " ('" + text[i] + "') is not a number that converts to "
                    + to);
        }
    }
}
