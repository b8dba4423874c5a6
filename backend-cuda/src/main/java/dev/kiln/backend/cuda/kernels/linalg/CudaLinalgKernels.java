package dev.kiln.backend.cuda.kernels.linalg;

import dev.kiln.api.spi.NodeQuery;
import dev.kiln.backend.cuda.CudaKernelFactory;
import dev.kiln.backend.cuda.CudaKernelFamily;
import dev.kiln.backend.cuda.CudaKernelRegistry;
import dev.kiln.backend.cuda.CudaTypes;
import java.util.Map;

/** Registers the cuBLAS kernels: MatMul, Gemm and dev.kiln's FusedMatMul and MultiHeadAttention, float32 only. */
public final class CudaLinalgKernels implements CudaKernelFamily {
    /** The activations FusedMatMul applies, by ONNX op name, with their elementwise.cu unary codes. */
    private static final Map<String, Integer> ACTIVATIONS = Map.of("", 16, "Relu", 7, "Gelu", 13, "Tanh", 5,
            "Sigmoid", 8, "LeakyRelu", 14);

    @Override
    public void register(CudaKernelRegistry r) {
        r.add("", "MatMul", CudaKernelFactory.of(q -> q.node().inputs().size() == 2 && CudaTypes.allFloat(q),
                (req, d) -> new MatMulKernel(d)));
        r.add("", "Gemm", CudaKernelFactory.of(CudaTypes::allFloat, GemmKernel::new));
        r.add("dev.kiln", "FusedMatMul", CudaKernelFactory.of(CudaLinalgKernels::fusable, (req, d) -> {
            String act = req.node().getString("activation", "");
            int code = act.equals("Gelu") && "tanh".equals(req.node().getString("approximate", "none")) ? 17 : ACTIVATIONS.get(act);
            return new FusedMatMulKernel(d, code, req.node().getFloat("alpha", 0.01f));
        }));
        r.add("dev.kiln", "MultiHeadAttention", CudaKernelFactory.of(q -> CudaTypes.allFloat(q) && q.node().getInt("num_heads", 0) >= 1
                && q.node().hasAttribute("scale"), MultiHeadAttentionKernel::new));
    }

    private static boolean fusable(NodeQuery q) {
        return CudaTypes.allFloat(q) && ACTIVATIONS.containsKey(q.node().getString("activation", ""));
    }
}
