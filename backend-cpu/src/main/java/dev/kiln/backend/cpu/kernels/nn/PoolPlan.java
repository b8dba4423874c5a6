package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/**
 * The resolved window of a pooling op (MaxPool, AveragePool, LpPool) for one input shape: the window
 * viewed in 3-D, the output shape, and for each axis and output position the range of taps that read
 * inside the input, [{@code firstTap}, {@code endTap}). Immutable; {@link Cache} keeps the last one per kernel.
 */
record PoolPlan(long[] xDims, Window window, Window.Axis[] axes, int[][] firstTap, int[][] endTap, Shape output) {

    int planes() {
        return (int) (xDims[0] * xDims[1]);
    }

    static PoolPlan of(long[] xDims, Window w, Shape output) {
        Window.Axis[] axes = new Window.Axis[Window.MAX_RANK];
        int[][] first = new int[Window.MAX_RANK][];
        int[][] end = new int[Window.MAX_RANK][];
        for (int a = 0; a < Window.MAX_RANK; a++) {
            axes[a] = w.axis3(a);
            first[a] = new int[axes[a].out()];
            end[a] = new int[axes[a].out()];
            for (int o = 0; o < axes[a].out(); o++) {
                first[a][o] = axes[a].firstValidTap(o);
                end[a][o] = axes[a].endValidTap(o);
            }
        }
        return new PoolPlan(xDims, w, axes, first, end, output);
    }

    /** Per-kernel cache of the plan for the most recent input shape; thread-safe. */
    static final class Cache {
        private final WindowAttributes attributes;
        private final String op;
        private volatile PoolPlan last;

        Cache(Node node, int opset) {
            this.attributes = WindowAttributes.of(node, opset);
            this.op = node.opType();
            if (attributes.kernelShape == null) {
                throw new UnsupportedOpException(op, node.domain(), opset, "attribute 'kernel_shape' is required");
            }
        }

        PoolPlan plan(Tensor x) {
            PoolPlan p = last;
            if (p != null && Arrays.equals(p.xDims(), x.dims())) {
                return p;
            }
            Window w = window(x);
            p = PoolPlan.of(x.dims(), w, outputShape(x.dims(), w));
            last = p;
            return p;
        }

        /**
         * The output shape for this input, without building the per-position tap tables (which are as long
         * as the output's axes): a kernel allocates its output first, so that an absurd output fails against
         * the run's memory budget before the plan costs anything.
         */
        Shape output(Tensor x) {
            PoolPlan p = last;
            if (p != null && Arrays.equals(p.xDims(), x.dims())) {
                return p.output();
            }
            return outputShape(x.dims(), window(x));
        }

        private static Shape outputShape(long[] dims, Window w) {
            long[] out = Arrays.copyOf(dims, dims.length);
            for (int i = 0; i < dims.length - 2; i++) {
                out[i + 2] = w.out[i];
            }
            return Shape.of(out);
        }

        private Window window(Tensor x) {
            long[] dims = x.dims();
            if (dims.length < 3) {
                throw new InvalidInputException(op + ": input X must be (N x C x D1 ...), got " + x.describe());
            }
            int rank = dims.length - 2;
            if (attributes.kernelShape.length != rank) {
                throw new InvalidInputException(op + ": attribute 'kernel_shape' " + Arrays.toString(attributes.kernelShape)
                        + " has " + attributes.kernelShape.length + " axes but X " + x.describe() + " has " + rank + " spatial dimensions");
            }
            int[] in = new int[rank];
            int[] kernel = new int[rank];
            for (int i = 0; i < rank; i++) {
                in[i] = (int) dims[i + 2];
                kernel[i] = attributes.toInt(attributes.kernelShape[i], "kernel_shape");
            }
            return attributes.resolve(in, kernel);
        }
    }
}
