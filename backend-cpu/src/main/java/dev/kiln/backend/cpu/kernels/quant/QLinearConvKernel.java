package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * QLinearConv (opset 10): the integer convolution plus the optional int32 bias, scaled by
 * {@code x_scale * w_scale[m] / y_scale} in float32, rounded half to even, offset by y_zero_point and saturated to
 * the 8-bit output type. w_scale and w_zero_point may hold one value per output channel m.
 * Thread-safe like Conv.
 */
public final class QLinearConvKernel implements Kernel {
    private final IntegerConvolution convolution;

    public QLinearConvKernel(KernelRequest request, CpuExecution execution) {
        this.convolution = new IntegerConvolution(request, execution);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        double xs = ctx.tensor(1).getDouble(0);
        Tensor w = ctx.tensor(3);
        Tensor ws = ctx.tensor(4);
        double ys = ctx.tensor(6).getDouble(0);
        Tensor yZero = ctx.tensor(7);
        Tensor bias = ctx.inputCount() > 8 && ctx.hasInput(8) ? ctx.tensor(8) : null;
        int m = (int) w.dim(0);
        if (ws.size() != 1 && ws.size() != m) {
            throw new InvalidInputException("input 'w_scale': expected a scalar or shape [" + m + "], got " + ws.describe());
        }
        Tensor sum = convolution.apply(ctx, x, ctx.tensor(2), w, ctx.tensor(5));
        double[] v = sum.doubleData();
        int spatial = v.length / Math.max(1, (int) (sum.dim(0) * m));
        long lo = QuantLayout.min(yZero.dtype());
        long hi = QuantLayout.max(yZero.dtype());
        long yz = yZero.getLong(0);
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            int channel = (i / spatial) % m;
            double acc = v[i] + (bias == null ? 0 : bias.getLong(channel));
            // float32 arithmetic, as the reference runtimes requantize
            float real = (float) acc * ((float) xs * ws.getFloat(ws.size() == 1 ? 0 : channel) / (float) ys);
            out[i] = (long) Math.max(lo, Math.min(hi, Math.rint(real) + yz));
        }
        Tensor y = ctx.allocate(yZero.dtype(), sum.shape());
        ElementCodec.fromLong(out, 0, y, 0, out.length);
        ctx.setOutput(0, y);
    }
}
