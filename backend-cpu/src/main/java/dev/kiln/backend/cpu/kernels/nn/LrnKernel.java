package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * LRN: each element divided by {@code (bias + alpha / size * sum of squares over neighbouring channels)^beta},
 * the neighbourhood spanning floor((size-1)/2) channels before and ceil((size-1)/2) after. Float64;
 * (batch, channel) planes split over threads.
 */
final class LrnKernel implements Kernel {
    private final double alpha;
    private final double beta;
    private final double bias;
    private final int size;
    private final CpuExecution execution;

    LrnKernel(KernelRequest request, CpuExecution execution) {
        if (!request.node().hasAttribute("size")) {
            throw new UnsupportedOpException("LRN", "", request.opsetVersion(), "attribute 'size' is required");
        }
        this.alpha = request.node().getFloat("alpha", 1e-4f);
        this.beta = request.node().getFloat("beta", 0.75f);
        this.bias = request.node().getFloat("bias", 1f);
        this.size = (int) request.node().getInt("size", 1);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("LRN", "", ctx.opsetVersion(), "input X has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        if (x.rank() < 2) {
            throw new InvalidInputException("LRN: input X must be (N x C x D1 ...), got " + x.describe());
        }
        int c = (int) x.dim(1);
        int planes = (int) x.dim(0) * c;
        int plane = planes == 0 ? 0 : x.size() / planes;
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        double[] in = TensorArrays.doubles(x);
        double[] out = new double[in.length];
        execution.parallelFor(planes, (long) plane * size, (start, end) -> {
            for (int p = start; p < end; p++) {
                int ch = p % c;
                int first = p - ch + Math.max(0, ch - before);
                int last = p - ch + Math.min(c - 1, ch + after);
                for (int j = 0; j < plane; j++) {
                    double sq = 0;
                    for (int q = first; q <= last; q++) {
                        double v = in[q * plane + j];
                        sq += v * v;
                    }
                    out[p * plane + j] = in[p * plane + j] / Math.pow(bias + alpha / size * sq, beta);
                }
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
