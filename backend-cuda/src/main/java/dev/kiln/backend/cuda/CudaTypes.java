package dev.kiln.backend.cuda;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import java.util.Set;

/** Element-type tests for claims ({@link CudaKernelFactory#supports}). Static helpers; thread-safe. */
public final class CudaTypes {
    private CudaTypes() {
    }

    /** The element type of input {@code i}, or null when absent or unknown. */
    public static DType type(NodeQuery q, int i) {
        if (i >= q.inputTypes().size() || i >= q.node().inputs().size() || !q.node().hasInput(i)) {
            return null;
        }
        return q.inputTypes().get(i) instanceof ValueType.TensorType t ? t.elementType() : null;
    }

    /** Whether input {@code i} is given and of one of {@code allowed}. */
    public static boolean is(NodeQuery q, int i, Set<DType> allowed) {
        DType t = type(q, i);
        return t != null && allowed.contains(t);
    }

    /** Whether input {@code i} is given and float32. */
    public static boolean isFloat(NodeQuery q, int i) {
        return type(q, i) == DType.FLOAT;
    }

    /** Whether every given input is float32 (and at least one is given). */
    public static boolean allFloat(NodeQuery q) {
        boolean any = false;
        for (int i = 0; i < q.node().inputs().size(); i++) {
            if (q.node().hasInput(i)) {
                if (type(q, i) != DType.FLOAT) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** Whether input {@code i} is absent, or given as int64 (the type of shapes, axes and indices). */
    public static boolean absentOrInt64(NodeQuery q, int i) {
        return !q.node().hasInput(i) || type(q, i) == DType.INT64;
    }

    /** Element types every data-movement kernel handles (by element size 1, 2, 4 or 8). */
    public static final Set<DType> MOVABLE = Set.of(DType.FLOAT, DType.DOUBLE, DType.INT32, DType.INT64, DType.BOOL,
            DType.UINT8, DType.INT8, DType.FLOAT16, DType.BFLOAT16, DType.INT16, DType.UINT16, DType.UINT32, DType.UINT64);
}
