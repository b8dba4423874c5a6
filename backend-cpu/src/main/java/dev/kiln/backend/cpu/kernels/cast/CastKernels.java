package dev.kiln.backend.cpu.kernels.cast;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers Cast and CastLike. */
public final class CastKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "Cast", (r, e) -> {
            Node node = r.node();
            if (!node.hasAttribute("to")) {
                throw unsupported(r, "attribute 'to' is required");
            }
            DType to;
            try {
                to = DType.fromCode(Math.toIntExact(node.getInt("to", 0)));
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw unsupported(r, "attribute 'to' must be an ONNX element type code, got " + node.attribute("to"));
            }
            return new CastKernel(to, saturate(r), rounding(r), e);
        });
        registry.add("", "CastLike", (r, e) -> new CastKernel(null, saturate(r), rounding(r), e));
    }

    private static boolean saturate(KernelRequest r) {
        return r.node().getInt("saturate", 1) != 0;
    }

    private static MinifloatEncoder.E8M0Rounding rounding(KernelRequest r) {
        try {
            return MinifloatEncoder.E8M0Rounding.parse(r.node().getString("round_mode", "up"));
        } catch (IllegalArgumentException ex) {
            throw unsupported(r, ex.getMessage());
        }
    }

    private static UnsupportedOpException unsupported(KernelRequest r, String detail) {
        return new UnsupportedOpException(r.node().opType(), r.node().domain(), r.opsetVersion(), detail);
    }
}
