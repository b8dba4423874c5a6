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
 * GroupNormalization: statistics per (batch, group of C/num_groups channels), then per-channel scale and
 * bias (opset 21). Scale and bias holding one value per group, as opset 18 defined them, are also
 * accepted. Float64 statistics; groups split over threads.
 */
final class GroupNormalizationKernel implements Kernel {
    private final int groups;
    private final double epsilon;
    private final CpuExecution execution;

    GroupNormalizationKernel(KernelRequest request, CpuExecution execution) {
        if (!request.node().hasAttribute("num_groups")) {
            throw new UnsupportedOpException("GroupNormalization", "", request.opsetVersion(), "attribute 'num_groups' is required");
        }
        this.groups = (int) request.node().getInt("num_groups", 1);
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        LayerNormalizationKernel.stashType("GroupNormalization", request);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("GroupNormalization", "", ctx.opsetVersion(), "input X has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        if (x.rank() < 2) {
            throw new InvalidInputException("GroupNormalization: input X must be (N x C x D1 ...), got " + x.describe());
        }
        int c = (int) x.dim(1);
        if (groups < 1 || c % groups != 0) {
            throw new InvalidInputException("GroupNormalization: attribute 'num_groups' (" + groups
                    + ") must divide the channel count of X " + x.describe());
        }
        double[] scale = perChannel(ctx.tensor(1), "scale", c);
        double[] bias = perChannel(ctx.tensor(2), "bias", c);
        int rows = (int) (x.dim(0) * groups);
        int size = rows == 0 ? 0 : x.size() / rows;
        int spatial = c == 0 || x.dim(0) == 0 ? 0 : (int) (x.size() / (x.dim(0) * c));
        int perGroup = c / groups;
        double[] in = TensorArrays.doubles(x);
        RowStatistics st = RowStatistics.of(in, rows, size, true, epsilon, execution);
        double[] out = new double[in.length];
        execution.parallelFor(rows, size, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * size;
                int firstChannel = (r % groups) * perGroup;
                for (int j = 0; j < size; j++) {
                    int ch = firstChannel + j / spatial;
                    out[base + j] = (in[base + j] - st.mean[r]) * st.invStd[r] * scale[ch] + bias[ch];
                }
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    /** Per-channel values; a vector of one value per group is spread over its channels. */
    private double[] perChannel(Tensor t, String name, int c) {
        double[] v = TensorArrays.doubles(t);
        if (v.length == c) {
            return v;
        }
        if (v.length == groups) {
            double[] out = new double[c];
            for (int ch = 0; ch < c; ch++) {
                out[ch] = v[ch / (c / groups)];
            }
            return out;
        }
        throw new InvalidInputException("GroupNormalization: input '" + name + "' must hold one value per channel (" + c
                + "), got " + t.describe());
    }
}
