package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;
import java.util.function.Function;

/**
 * Registers the elementwise math kernels: unary math, activations, broadcasting arithmetic, Pow, Mod,
 * PRelu, Clip, the variadic Sum/Mean/Min/Max, IsNaN/IsInf and Identity.
 */
public final class MathKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        for (UnaryMath f : UnaryMath.values()) {
            registry.add("", f.opType(), (r, e) -> new UnaryKernel(f.opType(), f, e));
        }
        for (Activation a : Activation.values()) {
            registry.add("", a.opType(), (r, e) -> new UnaryKernel(a.opType(), bind(r, a::bind), e));
        }
        for (SmoothActivation a : SmoothActivation.values()) {
            registry.add("", a.opType(), (r, e) -> new UnaryKernel(a.opType(), bind(r, a::bind), e));
        }
        // the runtime's fusion pass rewrites erf-based GELU chains into this, whatever the model's opset
        registry.add(dev.kiln.backend.cpu.kernels.linalg.LinalgKernels.FUSED_DOMAIN, "Gelu",
                (r, e) -> new UnaryKernel("Gelu", bind(r, SmoothActivation.GELU::bind), e));
        registry.add("", "Add", (r, e) -> new BinaryKernel("Add", Arithmetic.ADD, e));
        registry.add("", "Sub", (r, e) -> new BinaryKernel("Sub", Arithmetic.SUB, e));
        registry.add("", "Mul", (r, e) -> new BinaryKernel("Mul", Arithmetic.MUL, e));
        registry.add("", "Div", (r, e) -> new BinaryKernel("Div", Arithmetic.DIV, e));
        registry.add("", "PRelu", (r, e) -> new BinaryKernel("PRelu", Arithmetic.PRELU, e));
        registry.add("", "Mod", (r, e) -> new BinaryKernel("Mod", mod(r), e));
        registry.add("", "Pow", (r, e) -> new PowKernel(e));
        registry.add("", "Sum", (r, e) -> new VariadicKernel("Sum", Arithmetic.ADD, false, e));
        registry.add("", "Mean", (r, e) -> new VariadicKernel("Mean", Arithmetic.ADD, true, e));
        registry.add("", "Max", (r, e) -> new VariadicKernel("Max", Arithmetic.MAX, false, e));
        registry.add("", "Min", (r, e) -> new VariadicKernel("Min", Arithmetic.MIN, false, e));
        registry.add("", "Clip", (r, e) -> new ClipKernel(e));
        registry.add("", "IsNaN", (r, e) -> FloatClassKernel.isNaN(e));
        registry.add("", "IsInf", (r, e) -> FloatClassKernel.isInf(r.node().getInt("detect_positive", 1) != 0,
                r.node().getInt("detect_negative", 1) != 0, e));
        registry.add("", "Identity", (r, e) -> new IdentityKernel());
    }

    private static UnaryFunction bind(KernelRequest request, Function<Node, UnaryFunction> binder) {
        try {
            return binder.apply(request.node());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw unsupported(request, e.getMessage());
        }
    }

    private static BinaryOp mod(KernelRequest request) {
        long fmod = request.node().getInt("fmod", 0);
        if (fmod != 0 && fmod != 1) {
            throw unsupported(request, "attribute 'fmod' must be 0 or 1, got " + fmod);
        }
        return fmod == 1 ? Arithmetic.FMOD : Arithmetic.MOD;
    }

    private static UnsupportedOpException unsupported(KernelRequest request, String detail) {
        Node node = request.node();
        return new UnsupportedOpException(node.opType(), node.domain(), request.opsetVersion(), detail);
    }
}
