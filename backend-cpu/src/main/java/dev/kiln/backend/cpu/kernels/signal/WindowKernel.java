package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * HannWindow, HammingWindow and BlackmanWindow (opset 17): cosine-sum windows of a given size, periodic
 * (denominator N) or symmetric (denominator N-1), in the element type named by {@code output_datatype}.
 */
final class WindowKernel implements Kernel {
    enum Coefficients {
        HANN(0.5, 0.5, 0),
        HAMMING(25.0 / 46, 21.0 / 46, 0),
        BLACKMAN(0.42, 0.5, 0.08);

        final double a0;
        final double a1;
        final double a2;

        Coefficients(double a0, double a1, double a2) {
            this.a0 = a0;
            this.a1 = a1;
            this.a2 = a2;
        }
    }

    /** Elements computed between cancellation checks (and the size of the conversion buffer). */
    private static final int BLOCK = 1 << 16;

    private final Coefficients shape;
    private final boolean periodic;
    private final DType outType;

    WindowKernel(Coefficients shape, Node node) {
        this.shape = shape;
        this.periodic = node.getInt("periodic", 1) != 0;
        this.outType = DType.fromCode((int) node.getInt("output_datatype", 1));
    }

    @Override
    public void execute(KernelContext ctx) {
        int n = Args.size(Args.scalarLong(ctx.tensor(0), "window size"), "window size");
        double denominator = periodic ? n : n - 1;
        // the output first: its allocation is what the run's memory budget must see before any work
        Tensor y = ctx.allocate(outType, Shape.of(n));
        double[] block = new double[Math.min(n, BLOCK)];
        // integer output types take the values truncated toward zero
        long[] whole = outType.isFloatingPoint() ? null : new long[block.length];
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            for (int j = 0; j < len; j++) {
                // a one-point symmetric window has no span; it takes the value at angle 0
                double a = denominator == 0 ? 0 : 2 * Math.PI * (from + j) / denominator;
                double c = Math.cos(a);
                // cos 2a = 2 cos^2 a - 1 saves the second cosine
                block[j] = shape.a0 - shape.a1 * c + shape.a2 * (2 * c * c - 1);
            }
            if (whole == null) {
                ElementCodec.fromDouble(block, 0, y, from, len);
            } else {
                for (int j = 0; j < len; j++) {
                    whole[j] = (long) block[j];
                }
                ElementCodec.fromLong(whole, 0, y, from, len);
            }
            ctx.checkCancelled();
        }
        ctx.setOutput(0, y);
    }
}
