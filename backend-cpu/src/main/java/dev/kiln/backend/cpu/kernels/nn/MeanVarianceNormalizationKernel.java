package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * MeanVarianceNormalization: {@code (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9)} with expectations over
 * the given axes, as the op's ONNX function body defines it (including its epsilon). Float64.
 */
final class MeanVarianceNormalizationKernel implements Kernel {
    private static final double EPSILON = 1e-9;
    private final long[] axes;

    MeanVarianceNormalizationKernel(KernelRequest request) {
        this.axes = request.node().getInts("axes", new long[] {0, 2, 3});
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("MeanVarianceNormalization", "", ctx.opsetVersion(), "input X has element type "
                    + x.dtype() + "; expected float32, float64, float16 or bfloat16");
        }
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (long a : axes) {
            if (a < -rank || a >= rank) {
                throw new InvalidInputException("MeanVarianceNormalization: attribute 'axes' contains " + a
                        + ", outside the rank of X " + x.describe());
            }
            reduced[(int) (a < 0 ? a + rank : a)] = true;
        }
        long[] dims = x.dims();
        // strides into the statistics array, which keeps only the axes that are not reduced
        int[] statStride = new int[rank];
        int stats = 1;
        for (int d = rank - 1; d >= 0; d--) {
            statStride[d] = reduced[d] ? 0 : stats;
            stats *= reduced[d] ? 1 : (int) dims[d];
        }
        double[] in = TensorArrays.doubles(x);
        int[] statIndex = new int[in.length];
        int[] idx = new int[rank];
        int s = 0;
        for (int i = 0; i < in.length; i++) {
            statIndex[i] = s;
            for (int d = rank - 1; d >= 0; d--) {
                s += statStride[d];
                if (++idx[d] < dims[d]) {
                    break;
                }
                s -= statStride[d] * (int) dims[d];
                idx[d] = 0;
            }
        }
        double[] mean = new double[stats];
        double[] meanSq = new double[stats];
        double count = stats == 0 ? 0 : (double) in.length / stats;
        for (int i = 0; i < in.length; i++) {
            mean[statIndex[i]] += in[i];
            meanSq[statIndex[i]] += in[i] * in[i];
        }
        for (int k = 0; k < stats; k++) {
            mean[k] /= count;
            meanSq[k] /= count;
        }
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            int k = statIndex[i];
            double variance = Math.max(0, meanSq[k] - mean[k] * mean[k]);
            out[i] = (in[i] - mean[k]) / (Math.sqrt(variance) + EPSILON);
        }
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
