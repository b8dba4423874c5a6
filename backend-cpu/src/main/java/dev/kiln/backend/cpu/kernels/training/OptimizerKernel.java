package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * The shared frame of the optimizer kernels. Inputs are {@code R} (learning rate, float or double
 * scalar), {@code T} (update count, int64 scalar), then {@code k} groups of {@code k} tensors each: the
 * values {@code X_1..X_k}, their gradients {@code G_1..G_k}, then one group per piece of optimizer state.
 * Outputs are the new values followed by the new state, group by group. Every tensor of one variable must
 * have that variable's shape (the broadcasting the ONNX text allows is never used by an optimizer and
 * is refused with a message). Computation is in double, rounded once to the element type of each output.
 * Stateless between runs, so thread-safe.
 */
abstract class OptimizerKernel implements Kernel {
    private final String opType;
    private final String domain;
    /** Tensors per optimized variable: X, G and the state tensors. */
    private final int slots;

    OptimizerKernel(String opType, String domain, int slots) {
        this.opType = opType;
        this.domain = domain;
        this.slots = slots;
    }

    /**
     * Updates one variable of {@code n} elements. {@code in[0]} is X, {@code in[1]} G, {@code in[2..]}
     * the state; {@code out[0]} receives X_new and {@code out[1..]} the new state, in the same order.
     * The input arrays must not be written.
     */
    abstract void update(double r, long t, double[][] in, double[][] out);

    @Override
    public final void execute(KernelContext ctx) {
        int variadic = ctx.inputCount() - 2;
        if (variadic < slots || variadic % slots != 0) {
            throw new InvalidInputException(opType + ": expected R, T and " + slots + " tensors per optimized variable, got "
                    + ctx.inputCount() + " inputs");
        }
        int k = variadic / slots;
        if (ctx.outputCount() != (slots - 1) * k) {
            throw new InvalidInputException(opType + ": expected " + (slots - 1) * k + " outputs for " + k
                    + " optimized variable(s), got " + ctx.outputCount());
        }
        double r = scalar(ctx.tensor(0), "R").getDouble(0);
        Tensor tTensor = scalar(ctx.tensor(1), "T");
        if (tTensor.dtype() != DType.INT64) {
            throw new InvalidInputException(opType + ": input 'T' must be int64, got " + tTensor.describe());
        }
        long t = tTensor.getLong(0);
        for (int v = 0; v < k; v++) {
            Tensor x = floating(ctx.tensor(2 + v), "X_" + (v + 1), ctx);
            double[][] in = new double[slots][];
            double[][] out = new double[slots - 1][];
            for (int s = 0; s < slots; s++) {
                Tensor ts = floating(ctx.tensor(2 + s * k + v), "input " + (2 + s * k + v), ctx);
                if (!ts.shape().equals(x.shape())) {
                    throw new InvalidInputException(opType + ": input " + (2 + s * k + v) + " has shape " + ts.shape()
                            + "; expected the shape of X_" + (v + 1) + ", " + x.shape());
                }
                in[s] = TensorArrays.doubles(ts);
            }
            for (int s = 0; s < slots - 1; s++) {
                out[s] = new double[x.size()];
            }
            update(r, t, in, out);
            for (int s = 0; s < slots - 1; s++) {
                int o = s * k + v;
                if (ctx.isOutputRequested(o)) {
                    Tensor like = ctx.tensor(2 + (s == 0 ? 0 : s + 1) * k + v);
                    Tensor result = ctx.allocate(like.dtype(), like.shape());
                    TensorArrays.store(out[s], result);
                    ctx.setOutput(o, result);
                }
            }
        }
    }

    private Tensor scalar(Tensor t, String name) {
        if (t.size() != 1) {
            throw new InvalidInputException(opType + ": input '" + name + "' must be a scalar, got " + t.describe());
        }
        return t;
    }

    private Tensor floating(Tensor t, String name, KernelContext ctx) {
        if (t.dtype() != DType.FLOAT && t.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException(opType, domain, ctx.opsetVersion(), name + " has element type " + t.dtype()
                    + "; expected float32 or float64");
        }
        return t;
    }

    /** A float attribute the op requires, or an error naming it. */
    static double required(Node node, String attribute) {
        if (!node.hasAttribute(attribute)) {
            throw new UnsupportedOpException(node.opType(), node.domain(), 1, "missing required attribute '" + attribute + "'");
        }
        return node.getFloat(attribute, 0f);
    }
}
