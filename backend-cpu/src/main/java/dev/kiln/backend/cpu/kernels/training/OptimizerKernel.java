package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.CpuExecution.RangeBody;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared frame of the optimizer kernels. Inputs are {@code R} (learning rate, float or double
 * scalar), {@code T} (update count, int64 scalar), then {@code k} groups of {@code k} tensors each: the
 * values {@code X_1..X_k}, their gradients {@code G_1..G_k}, then one group per piece of optimizer state.
 * Outputs are the new values followed by the new state, group by group. Every tensor of one variable must
 * have that variable's shape (the broadcasting the ONNX text allows is never used by an optimizer and
 * is refused with a message). Where the runtime allows it ({@link KernelContext#mayOverwriteInput}, a
 * donated input), X and the state are updated in place and returned as the outputs. Computation is in double, rounded once to the element type of each output
 * (float32 fast paths may compute in float32); blocks of elements run in parallel on the backend's threads.
 * Stateless between runs, so thread-safe.
 */
abstract class OptimizerKernel implements Kernel {
    private final String opType;
    private final String domain;
    /** Tensors per optimized variable: X, G and the state tensors. */
    private final int slots;
    /** Elements per unit of parallel work. */
    private static final int BLOCK = 4096;
    private final CpuExecution execution;

    /** {@code execution} may be null to run on the calling thread. */
    OptimizerKernel(String opType, String domain, int slots, CpuExecution execution) {
        this.opType = opType;
        this.domain = domain;
        this.slots = slots;
        this.execution = execution;
    }

    /**
     * Updates {@code n} elements of one variable (the arrays may be longer). {@code in[0]} is X, {@code in[1]} G, {@code in[2..]}
     * the state; {@code out[0]} receives X_new and {@code out[1..]} the new state, in the same order.
     * The input arrays must not be written.
     */
    abstract void update(double r, long t, double[][] in, double[][] out, int n);

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
        Tensor[][] in = new Tensor[k][slots];
        Tensor[][] out = new Tensor[k][slots - 1];
        List<int[]> blocks = new ArrayList<>();
        for (int v = 0; v < k; v++) {
            Tensor x = floating(ctx.tensor(2 + v), "X_" + (v + 1), ctx);
            for (int s = 0; s < slots; s++) {
                Tensor ts = floating(ctx.tensor(2 + s * k + v), "input " + (2 + s * k + v), ctx);
                if (!ts.shape().equals(x.shape())) {
                    throw new InvalidInputException(opType + ": input " + (2 + s * k + v) + " has shape " + ts.shape()
                            + "; expected the shape of X_" + (v + 1) + ", " + x.shape());
                }
                in[v][s] = ts;
            }
            for (int s = 0; s < slots - 1; s++) {
                int o = s * k + v;
                if (ctx.isOutputRequested(o)) {
                    int source = 2 + (s == 0 ? 0 : s + 1) * k + v;
                    Tensor like = ctx.tensor(source);
                    // a donated X or state tensor read last here takes its own update in place (every
                    // element is read before it is written, block by block); otherwise every element is written below
                    out[v][s] = ctx.mayOverwriteInput(source) ? like : ctx.allocateUninitialized(like.dtype(), like.shape());
                }
            }
            for (int from = 0; from < x.size(); from += BLOCK) {
                blocks.add(new int[] {v, from, Math.min(BLOCK, x.size() - from)});
            }
        }
        // Memory-bound: blocks of every variable spread over the backend's threads, each read into and
        // written from small double buffers so no tensor is ever copied whole.
        RangeBody body = (start, end) -> {
            double[][][] buffers = new double[2][][];
            for (int b = start; b < end; b++) {
                int[] block = blocks.get(b);
                updateBlock(r, t, in[block[0]], out[block[0]], block[1], block[2], buffers);
            }
        };
        if (execution == null) {
            body.run(0, blocks.size());
        } else {
            execution.parallelFor(blocks.size(), (long) BLOCK * slots, body);
        }
        for (int v = 0; v < k; v++) {
            for (int s = 0; s < slots - 1; s++) {
                if (out[v][s] != null) {
                    ctx.setOutput(s * k + v, out[v][s]);
                }
            }
        }
    }

    /**
     * A float32 fast path: the same rule as {@link #update} on elements {@code [from, from + n)} of the
     * tensors' own arrays ({@code in}: X, G, state; {@code out}: X_new, new state, all present), in double
     * rounded once or, where an optimizer says so, in float32 within a few ulp of that. Returns false when
     * the optimizer has none.
     */
    boolean updateFloats(double r, long t, float[][] in, float[][] out, int from, int n) {
        return false;
    }

    /** {@code buffers} holds this thread's double buffers for the general path, made on first use. */
    private void updateBlock(double r, long t, Tensor[] in, Tensor[] out, int from, int n, double[][][] buffers) {
        if (allFloat(in) && allFloat(out)) {
            float[][] fin = new float[in.length][];
            float[][] fout = new float[out.length][];
            for (int s = 0; s < in.length; s++) {
                fin[s] = in[s].floatData();
            }
            for (int s = 0; s < out.length; s++) {
                fout[s] = out[s].floatData();
            }
            if (updateFloats(r, t, fin, fout, from, n)) {
                return;
            }
        }
        if (buffers[0] == null) {
            buffers[0] = new double[slots][BLOCK];
            buffers[1] = new double[slots - 1][BLOCK];
        }
        double[][] a = buffers[0];
        double[][] b = buffers[1];
        for (int s = 0; s < slots; s++) {
            ElementCodec.toDouble(in[s], from, a[s], 0, n);
        }
        update(r, t, a, b, n);
        for (int s = 0; s < slots - 1; s++) {
            if (out[s] != null) {
                ElementCodec.fromDouble(b[s], 0, out[s], from, n);
            }
        }
    }

    private static boolean allFloat(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t == null || t.dtype() != DType.FLOAT) {
                return false;
            }
        }
        return true;
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
