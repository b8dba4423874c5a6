package dev.kiln.backend.cuda.kernels.math;

import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;

/**
 * Registers the float32 elementwise kernels: the unary table, broadcasting binaries and comparisons, Where,
 * and the fused dev.kiln Gelu. Other element types are not claimed (they run on the CPU).
 */
public final class CudaMathKernels implements CudaKernelFamily {
    /** The domain of Kiln's fused ops (runtime-core's FusedOps.DOMAIN). */
    public static final String FUSED = "dev.kiln";

    private static final String[] BINARY = {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"};
    private static final String[] COMPARE = {"Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"};

    @Override
    public void register(CudaKernelRegistry r) {
        for (CudaUnaryOp op : CudaUnaryOp.values()) {
            if (op == CudaUnaryOp.IDENTITY) {
                continue; // Identity of any type is a view (CudaTensorKernels); its code serves FusedMatMul's "no activation"
            }
            CudaKernelFactory f = CudaKernelFactory.of(q -> q.node().inputs().size() == 1 && CudaTypes.isFloat(q, 0) && gelu(q),
                    (req, d) -> new UnaryKernel(req, d, op));
            r.add("", op.opType, f);
            if (op == CudaUnaryOp.GELU) {
                r.add(FUSED, op.opType, f);
            }
        }
        for (int i = 0; i < BINARY.length; i++) {
            int code = i;
            String op = BINARY[i];
            r.add("", op, CudaKernelFactory.of(q -> q.node().inputs().size() == 2 && CudaTypes.allFloat(q),
                    (req, d) -> new BinaryKernel(d, op, code, false)));
        }
        for (int i = 0; i < COMPARE.length; i++) {
            int code = i;
            String op = COMPARE[i];
            r.add("", op, CudaKernelFactory.of(q -> CudaTypes.allFloat(q), (req, d) -> new BinaryKernel(d, op, code, true)));
        }
        r.add("", "Where", CudaKernelFactory.of(
                q -> CudaTypes.type(q, 0) == DType.BOOL && CudaTypes.isFloat(q, 1) && CudaTypes.isFloat(q, 2),
                (req, d) -> new WhereKernel(d)));
    }

    private static boolean gelu(NodeQuery q) {
        String a = q.node().getString("approximate", "none");
        return a.equals("none") || a.equals("tanh");
    }
}
