package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;

/**
 * Registers the float32 network kernels: LayerNormalization (ai.onnx and dev.kiln), 2-D Conv and MaxPool,
 * GlobalAveragePool and inference BatchNormalization. Conv and MaxPool are claimed only for inputs known
 * to be 4-D; MaxPool without ceil_mode or an Indices output; BatchNormalization only in inference mode.
 */
public final class CudaNnKernels implements CudaKernelFamily {
    @Override
    public void register(CudaKernelRegistry r) {
        CudaKernelFactory ln = CudaKernelFactory.of(q -> CudaTypes.allFloat(q) && q.node().getInt("stash_type", 1) == 1,
                LayerNormalizationKernel::new);
        r.add("", "LayerNormalization", ln);
        r.add("dev.kiln", "LayerNormalization", ln);
        r.add("", "Conv", CudaKernelFactory.of(q -> CudaTypes.allFloat(q) && rank(q, 0) == 4, ConvKernel::new));
        r.add("", "MaxPool", CudaKernelFactory.of(q -> CudaTypes.isFloat(q, 0) && rank(q, 0) == 4
                && q.node().getInt("ceil_mode", 0) == 0 && q.node().getInt("storage_order", 0) == 0
                && q.node().getInts("kernel_shape", new long[0]).length == 2
                && (q.node().outputs().size() < 2 || q.node().output(1).isEmpty()), MaxPoolKernel::new));
        r.add("", "GlobalAveragePool", CudaKernelFactory.of(q -> CudaTypes.isFloat(q, 0), (req, d) -> new GlobalAveragePoolKernel(d)));
        r.add("", "BatchNormalization", CudaKernelFactory.of(q -> CudaTypes.allFloat(q) && q.node().getInt("training_mode", 0) == 0
                && q.node().outputs().stream().skip(1).allMatch(String::isEmpty), BatchNormalizationKernel::new));
    }

    /** The rank of input {@code i} when known, else -1. */
    private static int rank(NodeQuery q, int i) {
        if (i < q.inputTypes().size() && q.inputTypes().get(i) instanceof ValueType.TensorType t && t.shape() != null) {
            return t.shape().rank();
        }
        return -1;
    }
}
