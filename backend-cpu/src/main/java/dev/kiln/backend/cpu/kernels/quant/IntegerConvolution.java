package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.CpuKernelFactory;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * The integer convolution behind ConvInteger and QLinearConv: {@code (x - x_zp) conv (w - w_zp)} with the
 * node's Conv attributes, computed by the CPU Conv kernel in float64, where every partial sum of 8-bit
 * products is an exact integer. The weight zero point may hold one value per output channel.
 * Immutable; {@link #apply} is safe from several threads when the Conv kernel is.
 */
final class IntegerConvolution {
    private final Kernel conv;

    IntegerConvolution(KernelRequest request, CpuExecution execution) {
        Node.Builder b = Node.builder("Conv").inputs("x", "w").output("y");
        for (Attribute a : request.node().attributes().values()) {
            b.attribute(a);
        }
        CpuKernelFactory factory = CpuKernelRegistry.defaultRegistry().find("", "Conv");
        if (factory == null) {
            throw new UnsupportedOpException(request.node().opType(), request.node().domain(), request.opsetVersion(),
                    "it needs the CPU Conv kernel, which is not registered");
        }
        this.conv = factory.create(KernelRequest.of(b.build(), 11), execution);
    }

    /** The exact integer convolution, in float64, shaped as Conv's output. */
    Tensor apply(KernelContext ctx, Tensor x, Tensor xZero, Tensor w, Tensor wZero) {
        if (xZero != null && xZero.size() != 1) {
            throw new InvalidInputException("input 'x_zero_point': expected a scalar, got " + xZero.describe());
        }
        int m = (int) w.dim(0);
        if (wZero != null && wZero.size() != 1 && wZero.size() != m) {
            throw new InvalidInputException("input 'w_zero_point': expected a scalar or shape [" + m + "], got " + wZero.describe());
        }
        Tensor xd = shifted(ctx, x, xZero, 1);
        Tensor wd = shifted(ctx, w, wZero, w.size() / Math.max(1, m));
        Tensor[] result = new Tensor[1];
        conv.execute(new Inner(ctx, xd, wd, result));
        return result[0];
    }

    /** {@code t - zp} as float64; a zero point with several values applies one per run of {@code run} elements. */
    private static Tensor shifted(KernelContext ctx, Tensor t, Tensor zp, int run) {
        Tensor out = ctx.allocate(DType.DOUBLE, t.shape());
        double[] v = out.doubleData();
        for (int i = 0; i < v.length; i++) {
            long z = zp == null ? 0 : zp.getLong(zp.size() == 1 ? 0 : i / run);
            v[i] = t.getLong(i) - z;
        }
        return out;
    }

    /** Presents the shifted operands to the Conv kernel and catches its output. */
    private record Inner(KernelContext outer, Tensor x, Tensor w, Tensor[] result) implements KernelContext {
        @Override
        public Node node() {
            return outer.node();
        }

        @Override
        public int inputCount() {
            return 2;
        }

        @Override
        public boolean hasInput(int i) {
            return i < 2;
        }

        @Override
        public RuntimeValue input(int i) {
            return tensor(i);
        }

        @Override
        public Tensor tensor(int i) {
            return i == 0 ? x : w;
        }

        @Override
        public int outputCount() {
            return 1;
        }

        @Override
        public boolean isOutputRequested(int i) {
            return i == 0;
        }

        @Override
        public void setOutput(int i, RuntimeValue value) {
            result[0] = (Tensor) value;
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return outer.allocate(dtype, shape);
        }

        @Override
        public int opsetVersion() {
            return 11;
        }
    }
}
