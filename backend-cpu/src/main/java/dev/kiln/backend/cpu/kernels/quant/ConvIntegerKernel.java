package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/** ConvInteger (opset 10): the int32 convolution of 8-bit operands less their zero points. Thread-safe like Conv. */
public final class ConvIntegerKernel implements Kernel {
    private final IntegerConvolution convolution;

    public ConvIntegerKernel(KernelRequest request, CpuExecution execution) {
        this.convolution = new IntegerConvolution(request, execution);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor w = ctx.tensor(1);
        Tensor xZero = ctx.inputCount() > 2 && ctx.hasInput(2) ? ctx.tensor(2) : null;
        Tensor wZero = ctx.inputCount() > 3 && ctx.hasInput(3) ? ctx.tensor(3) : null;
        Tensor sum = convolution.apply(ctx, x, xZero, w, wZero);
        double[] v = sum.doubleData();
        Tensor y = ctx.allocate(DType.INT32, sum.shape());
        int[] out = y.intData();
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) (long) v[i];
        }
        ctx.setOutput(0, y);
    }
}
