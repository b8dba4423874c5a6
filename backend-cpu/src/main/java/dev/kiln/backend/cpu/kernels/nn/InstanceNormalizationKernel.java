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
 * InstanceNormalization: each (batch, channel) plane normalized over its spatial elements, then scaled
 * and shifted per channel. Float64 statistics; planes split over threads.
 */
final class InstanceNormalizationKernel implements Kernel {
    private final double epsilon;
    private final CpuExecution execution;

    InstanceNormalizationKernel(KernelRequest request, CpuExecution execution) {
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("InstanceNormalization", "", ctx.opsetVersion(), "input has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        if (x.rank() < 2) {
            throw new InvalidInputException("InstanceNormalization: input must be (N x C x D1 ...), got " + x.describe());
        }
        int c = (int) x.dim(1);
        double[] scale = channelValues(ctx.tensor(1), "scale", c);
        double[] bias = channelValues(ctx.tensor(2), "B", c);
        int planes = (int) (x.dim(0) * c);
        int size = planes == 0 ? 0 : x.size() / planes;
        double[] in = TensorArrays.doubles(x);
        RowStatistics st = RowStatistics.of(in, planes, size, true, epsilon, execution);
        double[] out = new double[in.length];
        execution.parallelFor(planes, size, (start, end) -> {
            for (int p = start; p < end; p++) {
                double a = st.invStd[p] * scale[p % c];
                double b = bias[p % c] - st.mean[p] * a;
                int base = p * size;
                for (int j = 0; j < size; j++) {
                    out[base + j] = in[base + j] * a + b;
                }
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    /** A per-channel parameter vector of {@code c} values, as doubles. */
    static double[] channelValues(Tensor t, String name, int c) {
        if (t.size() != c) {
            throw new InvalidInputException("input '" + name + "' must hold one value per channel (" + c + "), got " + t.describe());
        }
        return TensorArrays.doubles(t);
    }
}
