package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;
import java.util.Set;

/**
 * Registers the data-movement kernels. Views (Reshape, Flatten, Squeeze, Unsqueeze, Identity) and the
 * metadata ops (Shape, Size) take any fixed-size type, since they move no bytes. Copies (Transpose,
 * Concat, Slice, Expand, Gather) are claimed for floating and bool data only: integer data in a model is
 * shape arithmetic, cheaper on the CPU than a round trip through the GPU. Cast and CastLike convert among
 * float32, float64, int32, int64 and bool.
 */
public final class CudaTensorKernels implements CudaKernelFamily {
    private static final Set<DType> COPIED = Set.of(DType.FLOAT, DType.DOUBLE, DType.FLOAT16, DType.BFLOAT16, DType.BOOL);
    private static final Set<DType> CASTABLE = Set.copyOf(CastKernel.TYPES);

    @Override
    public void register(CudaKernelRegistry r) {
        for (String op : new String[] {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"}) {
            r.add("", op, CudaKernelFactory.of(q -> CudaTypes.is(q, 0, CudaTypes.MOVABLE) && CudaTypes.absentOrInt64(q, 1),
                    (req, d) -> new ViewKernel(d, op)));
        }
        r.add("", "Constant", CudaKernelFactory.of(CudaTensorKernels::constantValue, ConstantKernel::new));
        r.add("", "Shape", CudaKernelFactory.of(q -> CudaTypes.type(q, 0) != null, (req, d) -> new ShapeKernel(false)));
        r.add("", "Size", CudaKernelFactory.of(q -> CudaTypes.type(q, 0) != null, (req, d) -> new ShapeKernel(true)));
        r.add("", "Transpose", CudaKernelFactory.of(q -> CudaTypes.is(q, 0, COPIED), (req, d) -> new TransposeKernel(d)));
        r.add("", "Concat", CudaKernelFactory.of(CudaTensorKernels::concatenable,
                (req, d) -> new ConcatKernel(d, req.node().getInt("axis", 0))));
        r.add("", "Slice", CudaKernelFactory.of(q -> CudaTypes.is(q, 0, COPIED) && CudaTypes.type(q, 1) == DType.INT64
                && CudaTypes.type(q, 2) == DType.INT64 && CudaTypes.absentOrInt64(q, 3) && CudaTypes.absentOrInt64(q, 4),
                (req, d) -> new SliceKernel(d)));
        r.add("", "Expand", CudaKernelFactory.of(q -> CudaTypes.is(q, 0, COPIED) && CudaTypes.type(q, 1) == DType.INT64,
                (req, d) -> new ExpandKernel(d)));
        r.add("", "Gather", CudaKernelFactory.of(q -> (CudaTypes.isFloat(q, 0) || CudaTypes.type(q, 0) == DType.DOUBLE)
                && CudaTypes.is(q, 1, Set.of(DType.INT64, DType.INT32)),
                (req, d) -> new GatherKernel(d, req.node().getInt("axis", 0))));
        r.add("", "Cast", CudaKernelFactory.of(q -> CudaTypes.is(q, 0, CASTABLE) && castTarget(q) != null,
                (req, d) -> new CastKernel(d, castTarget(req.node().getInt("to", 0)))));
        r.add("", "CastLike", CudaKernelFactory.of(q -> CudaTypes.is(q, 0, CASTABLE) && CudaTypes.is(q, 1, CASTABLE),
                (req, d) -> new CastKernel(d, null)));
    }

    private static boolean concatenable(NodeQuery q) {
        for (int i = 0; i < q.node().inputs().size(); i++) {
            if (!CudaTypes.is(q, i, COPIED)) {
                return false;
            }
        }
        return !q.node().inputs().isEmpty();
    }

    /** A Constant given by its {@code value} tensor alone, of a type the device holds. */
    private static boolean constantValue(NodeQuery q) {
        var attrs = q.node().attributes();
        var value = attrs.get("value");
        return attrs.size() == 1 && value != null && value.type() == AttributeType.TENSOR && value.asTensor() != null
                && CudaTypes.MOVABLE.contains(value.asTensor().dtype());
    }

    private static DType castTarget(NodeQuery q) {
        return castTarget(q.node().getInt("to", 0));
    }

    private static DType castTarget(long code) {
        for (DType t : CastKernel.TYPES) {
            if (t.code() == code) {
                return t;
            }
        }
        return null;
    }
}
