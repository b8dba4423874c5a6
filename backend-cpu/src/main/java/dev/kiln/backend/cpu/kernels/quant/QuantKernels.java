package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the linear quantization ops: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearMatMul, ConvInteger and QLinearConv. */
public final class QuantKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "QuantizeLinear", (r, e) -> new QuantizeLinearKernel(r));
        registry.add("", "DequantizeLinear", (r, e) -> new DequantizeLinearKernel(r));
        registry.add("", "DynamicQuantizeLinear", (r, e) -> new DynamicQuantizeLinearKernel());
        registry.add("", "QLinearMatMul", (r, e) -> new QLinearMatMulKernel());
        registry.add("", "ConvInteger", ConvIntegerKernel::new);
        registry.add("", "QLinearConv", QLinearConvKernel::new);
    }
}
