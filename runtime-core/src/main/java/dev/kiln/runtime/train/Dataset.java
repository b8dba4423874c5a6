package dev.kiln.runtime.train;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named columns of equal length (dimension 0 is the sample), cut into batches in a given order.
 * Holds its tensors (float32 or int64) without copying; immutable; thread-safe.
 */
public final class Dataset {
    private final Map<String, Tensor> columns;
    private final int size;

    private Dataset(Map<String, Tensor> columns) {
        this.columns = Map.copyOf(columns);
        int n = -1;
        for (Map.Entry<String, Tensor> e : columns.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0 || (t.dtype() != DType.FLOAT && t.dtype() != DType.INT64)) {
                throw new IllegalArgumentException("column '" + e.getKey() + "': expected float32 or int64 [N, ...], got " + t.describe());
            }
            if (n >= 0 && t.dim(0) != n) {
                throw new IllegalArgumentException("column '" + e.getKey() + "' has " + t.dim(0) + " rows; expected " + n);
            }
            n = (int) t.dim(0);
        }
        if (n < 0) {
            throw new IllegalArgumentException("a dataset needs at least one column");
        }
        this.size = n;
    }

    public static Dataset of(Map<String, Tensor> columns) {
        return new Dataset(new LinkedHashMap<>(columns));
    }

    public int size() {
        return size;
    }

    public Tensor column(String name) {
        Tensor t = columns.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no column '" + name + "'; columns: " + columns.keySet());
        }
        return t;
    }

    /** The rows {@code order[from..to)} of the named columns, as new tensors. */
    public Map<String, Tensor> rows(List<String> names, int[] order, int from, int to) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, gather(column(name), order, from, to));
        }
        return out;
    }

    /** One-hot float32 [N, classes] from integer labels. */
    public static Tensor oneHot(int[] labels, int classes) {
        float[] a = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is outside [0, " + classes + ")");
            }
            a[i * classes + labels[i]] = 1f;
        }
        return Tensor.of(a, labels.length, classes);
    }

    private static Tensor gather(Tensor t, int[] order, int from, int to) {
        long[] dims = t.dims();
        int row = (int) (t.elementCount() / dims[0]);
        dims[0] = to - from;
        Object src = t.data();
        Object dst = Tensor.newArray(t.dtype().storage(), (to - from) * row);
        for (int i = from; i < to; i++) {
            System.arraycopy(src, order[i] * row, dst, (i - from) * row, row);
        }
        return Tensor.wrap(t.dtype(), Shape.of(dims), dst);
    }
}
