package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.Arrays;
import java.util.List;

/**
 * What RNN, GRU and LSTM share: reading X, W, R, B, sequence_lens and the initial states in either layout,
 * one OpenBLAS GEMM per direction for every time step's input projection {@code X * W^T + Wb}, the walk
 * over time (each batch entry reversed within its own length for the reverse direction, and frozen once
 * its length is reached, with zeros in Y beyond it), and writing Y, Y_h and Y_c. A subclass supplies the
 * cell: one step of the recurrence for the whole batch. Computes in float64 whatever the
 * element type (so float64 models, and the finite-difference checks of the LSTM/GRU/RNN gradient rules,
 * get float64 accuracy); other floating types are converted. Immutable after construction and thread-safe.
 */
abstract class RecurrentKernel implements Kernel {
    protected final int hidden;
    protected final int gates;
    protected final int directions;
    protected final boolean reverseOnly;
    protected final boolean batchFirst;
    protected final double clip;
    protected final RecurrentActivation[][] activations;
    protected final CpuExecution execution;

    RecurrentKernel(KernelRequest request, CpuExecution execution, int gates, List<String> defaultActivations) {
        String direction = Args.choice(request, "direction", "forward", "forward", "reverse", "bidirectional");
        this.directions = direction.equals("bidirectional") ? 2 : 1;
        this.reverseOnly = direction.equals("reverse");
        this.hidden = hiddenSize(request);
        this.batchFirst = request.node().getInt("layout", 0) == 1;
        this.clip = request.node().hasAttribute("clip") ? request.node().getFloat("clip", 0f) : Float.POSITIVE_INFINITY;
        this.gates = gates;
        this.activations = RecurrentActivation.parse(request, directions, defaultActivations);
        this.execution = execution;
    }

    /** The 'hidden_size' attribute, or the last dimension of R's declared shape when it is absent. */
    private static int hiddenSize(KernelRequest request) {
        long h = request.node().getInt("hidden_size", -1);
        if (h < 0 && request.inputTypes().size() > 2 && request.inputTypes().get(2) instanceof ValueType.TensorType t
                && t.shape() != null && t.shape().rank() == 3 && t.shape().isKnown(2)) {
            h = t.shape().dim(2);
        }
        if (h <= 0) {
            throw Args.unsupported(request, "attribute 'hidden_size' is required (or a declared shape for R)");
        }
        return (int) h;
    }

    /** Per-direction weights and state handed to {@link #step}; arrays are [batch, ...] row-major. */
    static final class Cell {
        int direction;
        int batch;
        /** R of this direction, [gates*hidden, hidden]. */
        double[] r;
        int rOffset;
        /** The full bias input B ([directions, 2*gates*hidden]); Rb of this direction starts at rbOffset. */
        double[] bias;
        int rbOffset;
        /** Peepholes (LSTM), or null. */
        double[] peepholes;
        int pOffset;
        /** This step's input projection X_t * W^T + Wb, [batch, gates*hidden]. */
        double[] xw;
        double[] h;
        double[] c;
        /** Scratch [batch, gates*hidden] for H_{t-1} * R^T. */
        double[] hr;
    }

    /** One step for every batch entry: reads {@code cell.h}/{@code cell.c} and writes the new state to {@code newH}/{@code newC}. */
    abstract void step(Cell cell, double[] newH, double[] newC);

    /** Number of state tensors the op carries: 1 (H), or 2 for LSTM (H and C). */
    int states() {
        return 1;
    }

    double clip(double v) {
        return v > clip ? clip : (v < -clip ? -clip : v);
    }

    /** {@code out[batch, n] = in[batch, hidden] * M^T} for M = {@code m[offset..]} of shape [n, hidden]. */
    void recur(double[] in, int batch, double[] m, int offset, int n, double[] out) {
        Blas.dgemm(execution, false, true, batch, n, hidden, 1.0, in, 0, hidden, m, offset, hidden, out, 0, n);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor xt = ctx.tensor(0);
        if (xt.rank() != 3) {
            throw new InvalidInputException("input 'X': expected a rank-3 tensor, got " + xt.describe());
        }
        int seq = (int) xt.dim(batchFirst ? 1 : 0);
        int batch = (int) xt.dim(batchFirst ? 0 : 1);
        int input = (int) xt.dim(2);
        int gh = gates * hidden;
        double[] x = doubles(xt);
        if (batchFirst) {
            x = swapOuter(x, batch, seq, input);
        }
        double[] w = checked(ctx, 1, "W", directions, gh, input);
        double[] r = checked(ctx, 2, "R", directions, gh, hidden);
        double[] b = ctx.hasInput(3) ? checked(ctx, 3, "B", directions, 2 * gh) : new double[directions * 2 * gh];
        int[] lengths = lengths(ctx, seq, batch);
        double[][] initial = new double[states()][];
        for (int s = 0; s < states(); s++) {
            int at = s == 0 ? 5 : 6;
            initial[s] = ctx.hasInput(at) ? initialState(ctx, at, batch) : new double[directions * batch * hidden];
        }
        double[] p = states() == 2 && ctx.hasInput(7) ? checked(ctx, 7, "P", directions, 3 * hidden) : null;

        double[] y = new double[seq * directions * batch * hidden];
        double[][] last = new double[states()][directions * batch * hidden];
        double[] xw = new double[seq * batch * gh];
        Cell cell = new Cell();
        cell.batch = batch;
        cell.r = r;
        cell.bias = b;
        cell.peepholes = p;
        cell.xw = new double[batch * gh];
        cell.hr = new double[batch * gh];
        for (int d = 0; d < directions; d++) {
            Blas.dgemm(execution, false, true, seq * batch, gh, input, 1.0, x, 0, input, w, d * gh * input, input, xw, 0, gh);
            cell.direction = d;
            cell.rOffset = d * gh * hidden;
            cell.rbOffset = d * 2 * gh + gh;
            cell.pOffset = d * 3 * hidden;
            cell.h = Arrays.copyOfRange(initial[0], d * batch * hidden, (d + 1) * batch * hidden);
            cell.c = states() == 2 ? Arrays.copyOfRange(initial[1], d * batch * hidden, (d + 1) * batch * hidden) : null;
            double[] newH = new double[batch * hidden];
            double[] newC = states() == 2 ? new double[batch * hidden] : null;
            boolean reverse = reverseOnly || d == 1;
            for (int s = 0; s < seq; s++) {
                for (int n = 0; n < batch; n++) {
                    int t = reverse ? lengths[n] - 1 - s : s;
                    for (int g = 0; g < gh; g++) {
                        cell.xw[n * gh + g] = s < lengths[n] ? xw[(t * batch + n) * gh + g] + b[d * 2 * gh + g] : 0.0;
                    }
                }
                step(cell, newH, newC);
                for (int n = 0; n < batch; n++) {
                    if (s >= lengths[n]) {
                        continue;
                    }
                    int t = reverse ? lengths[n] - 1 - s : s;
                    System.arraycopy(newH, n * hidden, cell.h, n * hidden, hidden);
                    if (newC != null) {
                        System.arraycopy(newC, n * hidden, cell.c, n * hidden, hidden);
                    }
                    System.arraycopy(newH, n * hidden, y, ((t * directions + d) * batch + n) * hidden, hidden);
                }
            }
            System.arraycopy(cell.h, 0, last[0], d * batch * hidden, batch * hidden);
            if (states() == 2) {
                System.arraycopy(cell.c, 0, last[1], d * batch * hidden, batch * hidden);
            }
        }
        DType type = xt.dtype();
        if (ctx.outputCount() > 0 && ctx.isOutputRequested(0)) {
            ctx.setOutput(0, batchFirst ? output(ctx, type, batchMajor(y, seq, batch), batch, seq, directions, hidden)
                    : output(ctx, type, y, seq, directions, batch, hidden));
        }
        for (int s = 0; s < states(); s++) {
            if (ctx.outputCount() > s + 1 && ctx.isOutputRequested(s + 1)) {
                ctx.setOutput(s + 1, batchFirst ? output(ctx, type, swapOuter(last[s], directions, batch, hidden), batch, directions, hidden)
                        : output(ctx, type, last[s], directions, batch, hidden));
            }
        }
    }

    private static double[] doubles(Tensor t) {
        double[] v = new double[t.size()];
        ElementCodec.toDouble(t, 0, v, 0, v.length);
        return v;
    }

    /** Transposes the two outer axes of [a, b, inner] into [b, a, inner]. */
    private static double[] swapOuter(double[] v, int a, int b, int inner) {
        double[] out = new double[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * inner, out, (j * a + i) * inner, inner);
            }
        }
        return out;
    }

    /** Y from [seq, directions, batch, hidden] to the batch-first [batch, seq, directions, hidden]. */
    private double[] batchMajor(double[] y, int seq, int batch) {
        double[] out = new double[y.length];
        for (int t = 0; t < seq; t++) {
            for (int d = 0; d < directions; d++) {
                for (int n = 0; n < batch; n++) {
                    System.arraycopy(y, ((t * directions + d) * batch + n) * hidden, out, ((n * seq + t) * directions + d) * hidden, hidden);
                }
            }
        }
        return out;
    }

    private static Tensor output(KernelContext ctx, DType type, double[] v, long... dims) {
        Tensor t = ctx.allocate(type, Shape.of(dims));
        ElementCodec.fromDouble(v, 0, t, 0, v.length);
        return t;
    }

    private double[] checked(KernelContext ctx, int i, String name, long... dims) {
        Tensor t = ctx.tensor(i);
        if (!t.shape().equals(Shape.of(dims)) || t.dtype() != ctx.tensor(0).dtype()) {
            throw new InvalidInputException("input '" + name + "': expected " + ctx.tensor(0).dtype() + Shape.of(dims) + ", got " + t.describe());
        }
        return doubles(t);
    }

    private double[] initialState(KernelContext ctx, int i, int batch) {
        String name = i == 5 ? "initial_h" : "initial_c";
        if (!batchFirst) {
            return checked(ctx, i, name, directions, batch, hidden);
        }
        return swapOuter(checked(ctx, i, name, batch, directions, hidden), batch, directions, hidden);
    }

    private static int[] lengths(KernelContext ctx, int seq, int batch) {
        int[] out = new int[batch];
        if (!ctx.hasInput(4)) {
            Arrays.fill(out, seq);
            return out;
        }
        long[] given = Args.vector(ctx.tensor(4), "input 'sequence_lens'");
        if (given.length != batch) {
            throw new InvalidInputException("input 'sequence_lens': expected " + batch + " lengths (the batch size), got " + given.length);
        }
        for (int n = 0; n < batch; n++) {
            if (given[n] < 0 || given[n] > seq) {
                throw new InvalidInputException("input 'sequence_lens': length " + given[n] + " of batch entry " + n + " is outside [0, " + seq + "]");
            }
            out[n] = (int) given[n];
        }
        return out;
    }
}
