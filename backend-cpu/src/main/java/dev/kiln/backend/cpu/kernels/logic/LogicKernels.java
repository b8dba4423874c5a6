package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the comparison, logical and bitwise kernels, Not/BitwiseNot and Where. */
public final class LogicKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        for (Comparison c : Comparison.values()) {
            registry.add("", c.opType(), (r, e) -> new ComparisonKernel(c, e));
        }
        for (Logical l : Logical.values()) {
            if (l != Logical.SHIFT_LEFT && l != Logical.SHIFT_RIGHT) {
                registry.add("", l.opType(), (r, e) -> new LogicalKernel(l, e));
            }
        }
        registry.add("", "BitShift", (r, e) -> new LogicalKernel(shift(r), e));
        registry.add("", "Not", (r, e) -> new NotKernel(false));
        registry.add("", "BitwiseNot", (r, e) -> new NotKernel(true));
        registry.add("", "Where", (r, e) -> new WhereKernel(e));
    }

    private static Logical shift(KernelRequest request) {
        String direction = request.node().getString("direction", "");
        return switch (direction) {
            case "LEFT" -> Logical.SHIFT_LEFT;
            case "RIGHT" -> Logical.SHIFT_RIGHT;
            default -> throw new UnsupportedOpException("BitShift", request.node().domain(), request.opsetVersion(),
                    "attribute 'direction' must be LEFT or RIGHT, got '" + direction + "'");
        };
    }
}
