package dev.kiln.backend.cuda.kernels.training;

import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;

/**
 * Registers the float32 optimizers: Adam (ai.onnx.preview.training) and AdamW (dev.kiln.training). Adagrad,
 * Momentum and SGD are not claimed and run on the CPU.
 */
public final class CudaTrainingKernels implements CudaKernelFamily {
    @Override
    public void register(CudaKernelRegistry r) {
        r.add("ai.onnx.preview.training", "Adam", CudaKernelFactory.of(CudaTrainingKernels::claim, AdamKernel::new));
        r.add("dev.kiln.training", "AdamW", CudaKernelFactory.of(CudaTrainingKernels::claim, AdamWKernel::new));
    }

    /** R float32 or float64, T int64, and every variable, gradient and state tensor float32. */
    private static boolean claim(NodeQuery q) {
        int n = q.node().inputs().size();
        if (n < 6 || (n - 2) % 4 != 0) {
            return false;
        }
        DType r = CudaTypes.type(q, 0);
        if ((r != DType.FLOAT && r != DType.DOUBLE) || CudaTypes.type(q, 1) != DType.INT64) {
            return false;
        }
        for (int i = 2; i < n; i++) {
            if (!CudaTypes.isFloat(q, i)) {
                return false;
            }
        }
        return true;
    }
}
