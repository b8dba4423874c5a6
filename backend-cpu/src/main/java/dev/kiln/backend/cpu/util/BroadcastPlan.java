package dev.kiln.backend.cpu.util;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;

/**
 * Iteration over an output tensor whose elements combine elements of several inputs under ONNX
 * multidirectional (numpy-style) broadcasting.
 *
 * <p>The plan collapses the shapes first: dimensions of size 1 are dropped and neighbouring dimensions
 * in which every input is broadcast the same way are merged. What remains is walked as <em>runs</em>:
 * stretches of consecutive output elements along the innermost collapsed dimension, in which each input
 * either advances by one element per output element ({@link #innerStride} 1) or repeats one element
 * (stride 0). Same-shape inputs and scalar-broadcast inputs therefore cost a single run per chunk of
 * work, and kernels only need loops for strides 0 and 1.
 *
 * <p>Positions are element indices (not array slots) in row-major order. Immutable and thread-safe;
 * {@link #forEachRun} may be called concurrently for disjoint ranges.
 */
public final class BroadcastPlan {
    private final long[] outputDims;
    private final int size;
    private final int inputs;
    /** Collapsed output dimensions, outermost first; at least one entry. */
    private final int[] dims;
    /** {@code strides[k][d]}: element stride of input k along collapsed dimension d (0 when broadcast). */
    private final int[][] strides;
    private final boolean[] contiguous;

    private BroadcastPlan(long[] outputDims, long[][] inputDims) {
        this.outputDims = outputDims;
        this.inputs = inputDims.length;
        long n = 1;
        for (long d : outputDims) {
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("broadcast result " + Arrays.toString(outputDims) + " has too many elements for one host array");
        }
        this.size = (int) n;
        int rank = outputDims.length;
        long[][] st = new long[inputs][];
        for (int k = 0; k < inputs; k++) {
            st[k] = Broadcast.stridesFor(inputDims[k], outputDims);
        }
        int[] cd = new int[Math.max(rank, 1)];
        int[][] cs = new int[inputs][Math.max(rank, 1)];
        int c = 0;
        for (int d = 0; d < rank; d++) {
            if (outputDims[d] == 1) {
                continue;
            }
            if (c > 0 && mergeable(st, cs, c - 1, d)) {
                cd[c - 1] *= (int) outputDims[d];
                for (int k = 0; k < inputs; k++) {
                    // the merged dimension keeps the inner stride of the pair
                    cs[k][c - 1] = (int) st[k][d];
                }
                continue;
            }
            cd[c] = (int) outputDims[d];
            for (int k = 0; k < inputs; k++) {
                cs[k][c] = (int) st[k][d];
            }
            c++;
        }
        if (c == 0) {
            cd[0] = 1;
            c = 1;
        }
        this.dims = Arrays.copyOf(cd, c);
        this.strides = new int[inputs][];
        this.contiguous = new boolean[inputs];
        for (int k = 0; k < inputs; k++) {
            strides[k] = Arrays.copyOf(cs[k], c);
            contiguous[k] = c == 1 && strides[k][0] == 1;
        }
    }

    /** Dimension d merges into the collapsed dimension before it when each input is either broadcast in both or contiguous across both. */
    private static boolean mergeable(long[][] st, int[][] cs, int prev, int d) {
        for (int k = 0; k < st.length; k++) {
            boolean prevBroadcast = cs[k][prev] == 0;
            boolean broadcast = st[k][d] == 0;
            if (prevBroadcast != broadcast) {
                return false;
            }
        }
        return true;
    }

    /**
     * A plan for the broadcast of the given input shapes. Throws {@link InvalidInputException} naming
     * the shapes when they cannot be broadcast together.
     */
    public static BroadcastPlan of(Shape... inputShapes) {
        long[][] in = new long[inputShapes.length][];
        for (int k = 0; k < in.length; k++) {
            in[k] = inputShapes[k].dims();
        }
        long[] out;
        try {
            out = Broadcast.shape(in);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return new BroadcastPlan(out, in);
    }

    /**
     * A plan writing into a given output shape; each input must broadcast to it (unidirectionally).
     * Used when the output shape is already known, e.g. when folding a variadic op input by input.
     */
    public static BroadcastPlan into(Shape output, Shape... inputShapes) {
        long[] out = output.dims();
        long[][] in = new long[inputShapes.length][];
        for (int k = 0; k < in.length; k++) {
            in[k] = inputShapes[k].dims();
            long[] b;
            try {
                b = Broadcast.shape(out, in[k]);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            if (!Arrays.equals(b, out)) {
                throw new InvalidInputException("shape " + inputShapes[k] + " does not broadcast to " + output);
            }
        }
        return new BroadcastPlan(out, in);
    }

    /** The broadcast output dimensions. */
    public long[] outputDims() {
        return outputDims.clone();
    }

    public Shape outputShape() {
        return Shape.of(outputDims);
    }

    /** Number of output elements. */
    public int size() {
        return size;
    }

    /** Number of inputs the plan was made for. */
    public int inputCount() {
        return inputs;
    }

    /** True when input k is read at the output position itself (same element order, no broadcasting). */
    public boolean isContiguous(int k) {
        return contiguous[k] || size <= 1;
    }

    /** Element stride of input k within every run: 1 or 0 (the run repeats one element). */
    public int innerStride(int k) {
        return strides[k][dims.length - 1];
    }

    /** Length of a full run: the size of the innermost collapsed dimension. */
    public int runLength() {
        return dims[dims.length - 1];
    }

    /** Receives one run; {@code offsets[k]} is input k's element index at {@code outPos}. Must not keep {@code offsets}. */
    @FunctionalInterface
    public interface RunBody {
        void run(int outPos, int length, int[] offsets);
    }

    /**
     * Calls {@code body} for consecutive runs covering output positions {@code [start, end)} in order.
     * Runs never cross the end of the innermost collapsed dimension; the first and last may be partial.
     */
    public void forEachRun(int start, int end, RunBody body) {
        if (start >= end) {
            return;
        }
        int rank = dims.length;
        int[] index = new int[rank];
        int[] offsets = new int[inputs];
        int rem = start;
        for (int d = rank - 1; d >= 0; d--) {
            index[d] = rem % dims[d];
            rem /= dims[d];
            for (int k = 0; k < inputs; k++) {
                offsets[k] += index[d] * strides[k][d];
            }
        }
        int inner = dims[rank - 1];
        int pos = start;
        int[] view = new int[inputs];
        while (pos < end) {
            int len = Math.min(inner - index[rank - 1], end - pos);
            System.arraycopy(offsets, 0, view, 0, inputs);
            body.run(pos, len, view);
            pos += len;
            if (pos >= end) {
                return;
            }
            index[rank - 1] += len;
            for (int k = 0; k < inputs; k++) {
                offsets[k] += len * strides[k][rank - 1];
            }
            // carry into the outer dimensions: rewind each exhausted dimension and step the next one out
            for (int d = rank - 1; d > 0 && index[d] == dims[d]; d--) {
                index[d] = 0;
                index[d - 1]++;
                for (int k = 0; k < inputs; k++) {
                    offsets[k] += strides[k][d - 1] - dims[d] * strides[k][d];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "BroadcastPlan" + Arrays.toString(outputDims) + " collapsed " + Arrays.toString(dims);
    }
}
