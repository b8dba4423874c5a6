package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * RMSNormalization: {@code x / sqrt(mean(x^2) + epsilon) * scale} over axes [axis, rank), with the output
 * in scale's element type. Statistics in float64; rows split over threads.
 */
final class RmsNormalizationKernel implements Kernel {
    private final long axis;
    private final double epsilon;
    private final CpuExecution execution;

    RmsNormalizationKernel(KernelRequest request, CpuExecution execution) {
        this.axis = request.node().getInt("axis", -1);
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        LayerNormalizationKernel.stashType("RMSNormalization", request);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor scaleInput = ctx.tensor(1);
        for (Tensor t : new Tensor[] {x, scaleInput}) {
            if (!TensorArrays.computesInFloat(t.dtype()) && t.dtype() != DType.DOUBLE) {
                throw new UnsupportedOpException("RMSNormalization", "", ctx.opsetVersion(), "input " + (t == x ? "X" : "scale")
                        + " has element type " + t.dtype() + "; expected float32, float64, float16 or bfloat16");
            }
        }
        int ax = AxisView.normalize("RMSNormalization", axis, x.rank(), x.describe());
        long[] dims = x.dims();
        int rows = 1;
        for (int i = 0; i < ax; i++) {
            rows *= (int) dims[i];
        }
        int size = rows == 0 ? 0 : x.size() / rows;
        double[] scale = RowStatistics.affine("RMSNormalization", "scale", scaleInput, dims, ax);
        boolean shared = scale.length == size;
        double[] in = TensorArrays.doubles(x);
        RowStatistics st = RowStatistics.of(in, rows, size, false, epsilon, execution);
        double[] out = new double[in.length];
        execution.parallelFor(rows, size, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = r * size;
                int so = shared ? 0 : base;
                double inv = st.invStd[r];
                for (int j = 0; j < size; j++) {
                    out[base + j] = in[base + j] * inv * scale[so + j];
                }
            }
        });
        Tensor y = ctx.allocate(scaleInput.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
