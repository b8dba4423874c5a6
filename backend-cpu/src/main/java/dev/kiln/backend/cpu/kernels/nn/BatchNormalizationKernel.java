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
 * BatchNormalization (opset 15). Inference folds each channel into {@code y = x * a + b}; with
 * training_mode the batch mean and population variance per channel normalize X, and the optional outputs
 * are the running statistics blended with momentum. Statistics in float64; channel planes split over threads.
 */
final class BatchNormalizationKernel implements Kernel {
    private final double epsilon;
    private final double momentum;
    private final boolean training;
    private final CpuExecution execution;

    BatchNormalizationKernel(KernelRequest request, CpuExecution execution) {
        this.epsilon = request.node().getFloat("epsilon", 1e-5f);
        this.momentum = request.node().getFloat("momentum", 0.9f);
        this.training = request.node().getInt("training_mode", 0) != 0;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType type = x.dtype();
        if (!TensorArrays.computesInFloat(type) && type != DType.DOUBLE) {
            throw new UnsupportedOpException("BatchNormalization", "", ctx.opsetVersion(), "input X has element type " + type
                    + "; expected float32, float64, float16 or bfloat16");
        }
        int n = x.rank() == 0 ? 1 : (int) x.dim(0);
        int c = x.rank() < 2 ? 1 : (int) x.dim(1);
        int size = n * c == 0 ? 0 : x.size() / (n * c);
        double[] scale = InstanceNormalizationKernel.channelValues(ctx.tensor(1), "scale", c);
        double[] bias = InstanceNormalizationKernel.channelValues(ctx.tensor(2), "B", c);
        Tensor meanInput = ctx.tensor(3);
        Tensor varInput = ctx.tensor(4);
        double[] mean = InstanceNormalizationKernel.channelValues(meanInput, "input_mean", c);
        double[] var = InstanceNormalizationKernel.channelValues(varInput, "input_var", c);
        if (training) {
            double[][] batch = batchStatistics(TensorArrays.doubles(x), n, c, size);
            mean = batch[0];
            var = batch[1];
            setRunning(ctx, 1, meanInput, batch[0]);
            setRunning(ctx, 2, varInput, batch[1]);
        } else {
            // older models list statistics outputs without training; in inference the running statistics stay as given
            setCopy(ctx, 1, meanInput);
            setCopy(ctx, 2, varInput);
        }
        double[] a = new double[c];
        double[] b = new double[c];
        for (int ch = 0; ch < c; ch++) {
            a[ch] = scale[ch] / Math.sqrt(var[ch] + epsilon);
            b[ch] = bias[ch] - mean[ch] * a[ch];
        }
        Tensor y = ctx.allocate(type, x.shape());
        if (type == DType.DOUBLE) {
            double[] in = x.doubleData();
            double[] out = y.doubleData();
            execution.parallelFor(n * c, size, (start, end) -> {
                for (int p = start; p < end; p++) {
                    double pa = a[p % c];
                    double pb = b[p % c];
                    for (int j = p * size; j < (p + 1) * size; j++) {
                        out[j] = in[j] * pa + pb;
                    }
                }
            });
        } else {
            float[] in = TensorArrays.floats(x);
            float[] out = type == DType.FLOAT ? y.floatData() : new float[y.size()];
            execution.parallelFor(n * c, size, (start, end) -> {
                for (int p = start; p < end; p++) {
                    float pa = (float) a[p % c];
                    float pb = (float) b[p % c];
                    for (int j = p * size; j < (p + 1) * size; j++) {
                        out[j] = in[j] * pa + pb;
                    }
                }
            });
            TensorArrays.store(out, y);
        }
        ctx.setOutput(0, y);
    }

    /** Mean and population variance of each channel over the batch and spatial axes. */
    private static double[][] batchStatistics(double[] x, int n, int c, int size) {
        double[] mean = new double[c];
        double[] var = new double[c];
        double count = (double) n * size;
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * size;
                for (int j = 0; j < size; j++) {
                    mean[ch] += x[base + j];
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= count;
        }
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * size;
                for (int j = 0; j < size; j++) {
                    double d = x[base + j] - mean[ch];
                    var[ch] += d * d;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= count;
        }
        return new double[][] {mean, var};
    }

    private static void setCopy(KernelContext ctx, int index, Tensor input) {
        if (ctx.outputCount() > index && ctx.isOutputRequested(index)) {
            ctx.setOutput(index, input.copy());
        }
    }

    /** Output {@code index} (running mean or variance) when requested: {@code input * momentum + current * (1 - momentum)}. */
    private void setRunning(KernelContext ctx, int index, Tensor input, double[] current) {
        if (ctx.outputCount() <= index || !ctx.isOutputRequested(index)) {
            return;
        }
        double[] prior = TensorArrays.doubles(input);
        double[] blended = new double[current.length];
        for (int i = 0; i < blended.length; i++) {
            blended[i] = prior[i] * momentum + current[i] * (1 - momentum);
        }
        Tensor out = ctx.allocate(input.dtype(), input.shape());
        TensorArrays.store(blended, out);
        ctx.setOutput(index, out);
    }
}
