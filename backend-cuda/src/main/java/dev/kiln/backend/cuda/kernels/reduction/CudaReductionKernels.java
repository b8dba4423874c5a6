package dev.kiln.backend.cuda.kernels.reduction;

import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;

/** Registers the float32 reductions (ReduceSum/Mean/Max/Min/SumSquare, axes as int64 input) and Softmax/LogSoftmax. */
public final class CudaReductionKernels implements CudaKernelFamily {
    /** reduce.cu's op codes (R_ constants). */
    static final int SUM = 0;
    static final int MEAN = 1;
    static final int MAX = 2;
    static final int MIN = 3;
    static final int SUM_SQUARE = 4;

    @Override
    public void register(CudaKernelRegistry r) {
        reduce(r, "ReduceSum", SUM);
        reduce(r, "ReduceMean", MEAN);
        reduce(r, "ReduceMax", MAX);
        reduce(r, "ReduceMin", MIN);
        reduce(r, "ReduceSumSquare", SUM_SQUARE);
        r.add("", "Softmax", CudaKernelFactory.of(q -> CudaTypes.isFloat(q, 0), (req, d) -> new SoftmaxKernel(req, d, false)));
        r.add("", "LogSoftmax", CudaKernelFactory.of(q -> CudaTypes.isFloat(q, 0), (req, d) -> new SoftmaxKernel(req, d, true)));
    }

    private static void reduce(CudaKernelRegistry r, String op, int code) {
        r.add("", op, CudaKernelFactory.of(q -> CudaTypes.isFloat(q, 0) && CudaTypes.absentOrInt64(q, 1),
                (req, d) -> new ReduceKernel(req, d, code)));
    }
}
