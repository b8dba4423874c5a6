package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/** LpNormalization (opsets 1 to 22): x divided by its L1 or L2 norm along {@code axis}; a zero norm gives zeros. */
final class LpNormalizationKernel implements Kernel {
    private final long axis;
    private final int p;

    LpNormalizationKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", -1);
        long pv = request.node().getInt("p", 2);
        if (pv != 1 && pv != 2) {
            throw Args.unsupported(request, "attribute 'p' must be 1 or 2, got " + pv);
        }
        this.p = (int) pv;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int[] dims = x.shape().intDims();
        int a = Args.axis(axis, dims.length, "LpNormalization axis");
        int n = dims[a];
        int inner = Args.product(dims, a + 1, dims.length);
        int outer = Args.product(dims, 0, a);
        double[] in = TensorArrays.doubles(x);
        double[] out = new double[in.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    double v = in[base + k * inner];
                    sum += p == 1 ? Math.abs(v) : v * v;
                }
                double norm = p == 1 ? sum : Math.sqrt(sum);
                for (int k = 0; k < n; k++) {
                    out[base + k * inner] = norm == 0 ? 0 : in[base + k * inner] / norm;
                }
            }
        }
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
