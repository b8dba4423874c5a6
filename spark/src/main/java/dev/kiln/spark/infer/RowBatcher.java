package dev.kiln.spark.infer;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Turns one DataFrame column of a micro-batch into a model input: each row holds the flattened
 * per-sample tensor as an array (or a number for a scalar sample); a per-sample shape with one unknown
 * dimension takes it from the row. Stateless.
 */
final class RowBatcher {
    private RowBatcher() {
    }

    /**
     * A model input as executors need it: name, element type and dims (batch first; {@link Shape#UNKNOWN}
     * where symbolic; null when the model gives no shape).
     */
    record InputSpec(String name, DType type, long[] dims) implements java.io.Serializable {
        static InputSpec of(dev.kiln.api.ir.Value v) {
            Shape s = v.tensorType().shape();
            return new InputSpec(v.name(), v.tensorType().elementType(), s == null ? null : s.dims());
        }
    }

    /** The per-sample dims of {@code row}'s value for {@code input}, or a {@link RowInputException}. */
    static long[] sampleDims(InputSpec input, Object value, String rowName) {
        long[] shape = input.dims();
        if (shape == null || shape.length == 0) {
            throw new RowInputException(rowName, input.name(), "the model input has no batch dimension");
        }
        long[] dims = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        int n = length(value, input, rowName);
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == Shape.UNKNOWN) {
                if (unknown >= 0) {
                    throw new RowInputException(rowName, input.name(), "the per-row shape " + java.util.Arrays.toString(dims)
                            + " has more than one unknown dimension");
                }
                unknown = i;
            } else {
                known *= dims[i];
            }
        }
        if (unknown >= 0) {
            if (n % known != 0 || n == 0) {
                throw new RowInputException(rowName, input.name(), n + " values do not fill per-row shape " + java.util.Arrays.toString(dims));
            }
            dims[unknown] = n / known;
        } else if (n != known) {
            throw new RowInputException(rowName, input.name(), "expected " + known + " values (per-row shape "
                    + java.util.Arrays.toString(dims) + "), got " + n);
        }
        return dims;
    }

    private static int length(Object value, InputSpec input, String rowName) {
        if (value == null) {
            throw new RowInputException(rowName, input.name(), "the column is null");
        }
        if (value instanceof Number) {
            return 1;
        }
        if (value instanceof scala.collection.Seq<?> s) {
            return s.length();
        }
        throw new RowInputException(rowName, input.name(), "expected an array or a number, got " + value.getClass().getSimpleName());
    }

    /** Stacks the rows' values for one input into a [rows, dims...] tensor of the input's element type. */
    static Tensor stack(InputSpec input, List<Object> values, long[] dims, List<String> rowNames) {
        DType type = input.type();
        long per = 1;
        for (long d : dims) {
            per *= d;
        }
        int n = values.size();
        long[] all = new long[dims.length + 1];
        all[0] = n;
        System.arraycopy(dims, 0, all, 1, dims.length);
        Object array = switch (type) {
            case FLOAT -> new float[Math.toIntExact(n * per)];
            case DOUBLE -> new double[Math.toIntExact(n * per)];
            case INT64 -> new long[Math.toIntExact(n * per)];
            case INT32 -> new int[Math.toIntExact(n * per)];
            default -> throw new RowInputException(rowNames.get(0), input.name(), "model input element type " + type
                    + " is not supported from DataFrame columns (float, double, int64, int32 are)");
        };
        for (int r = 0; r < n; r++) {
            Object v = values.get(r);
            List<Object> items = v instanceof Number ? List.of(v) : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) v);
            int at = (int) (r * per);
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof Number x)) {
                    throw new RowInputException(rowNames.get(r), input.name(), "element " + i + " is " + items.get(i) + "; expected a number");
                }
                switch (type) {
                    case FLOAT -> ((float[]) array)[at + i] = x.floatValue();
                    case DOUBLE -> ((double[]) array)[at + i] = x.doubleValue();
                    case INT64 -> ((long[]) array)[at + i] = x.longValue();
                    default -> ((int[]) array)[at + i] = x.intValue();
                }
            }
        }
        return Tensor.of(type, array, all);
    }

    /** Row {@code r} of a [rows, ...] output as a Spark array value (float32 or int64 outputs). */
    static Object rowOf(Tensor out, int r) {
        int per = (int) (out.elementCount() / out.dim(0));
        if (out.dtype() == DType.INT64) {
            long[] v = new long[per];
            System.arraycopy(out.longData(), r * per, v, 0, per);
            return v;
        }
        float[] src = out.dtype() == DType.FLOAT ? out.floatData() : out.toFloatArray();
        float[] v = new float[per];
        System.arraycopy(src, r * per, v, 0, per);
        return v;
    }
}
