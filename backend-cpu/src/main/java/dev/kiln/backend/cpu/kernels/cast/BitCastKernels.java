package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.tensor.DType;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers BitCast (opset 26), apart from {@link CastKernels} because it converts no values. */
public final class BitCastKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "BitCast", (r, e) -> {
            try {
                return new BitCastKernel(DType.fromCode(Math.toIntExact(r.node().getInt("to", 0))));
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw new UnsupportedOpException("BitCast", r.node().domain(), r.opsetVersion(),
                        "attribute 'to' must be an ONNX element type code, got " + r.node().attribute("to"));
            }
        });
    }
}
