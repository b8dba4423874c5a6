package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuKernelFactory;
import java.util.Arrays;

/**
 * Reshape, Flatten, Squeeze and Unsqueeze: the elements stay in order and only the shape changes, so each
 * op is a row that computes the new shape. The output is a view sharing the input's array: the runtime
 * counts holders by backing array, so the array stays alive while either name is in use, and kernels never
 * write into their inputs.
 */
public final class ReshapeKernel implements Kernel {
    /** How each op derives the output dimensions. */
    public enum Rule {
        RESHAPE {
            @Override
            long[] dims(KernelContext ctx, long[] in) {
                long[] spec = Args.vector(ctx.tensor(1), "input 'shape'");
                boolean allowZero = ctx.node().getInt("allowzero", 0) != 0;
                long[] out = new long[spec.length];
                int inferred = -1;
                long known = 1;
                for (int i = 0; i < spec.length; i++) {
                    long v = spec[i];
                    if (v == -1) {
                        if (inferred >= 0) {
                            throw new InvalidInputException("input 'shape' " + Arrays.toString(spec) + ": at most one -1 is allowed");
                        }
                        inferred = i;
                        continue;
                    }
                    if (v == 0 && !allowZero) {
                        if (i >= in.length) {
                            throw new InvalidInputException("input 'shape' " + Arrays.toString(spec) + ": 0 at position " + i
                                    + " copies a dimension the input " + Arrays.toString(in) + " does not have");
                        }
                        v = in[i];
                    } else if (v < 0) {
                        throw new InvalidInputException("input 'shape' " + Arrays.toString(spec) + ": negative dimension " + v);
                    }
                    out[i] = v;
                    if (v != 0 && known > Long.MAX_VALUE / v) {
                        throw new InvalidInputException("input 'shape' " + Arrays.toString(spec) + ": the product of its dimensions overflows a long");
                    }
                    known *= v;
                }
                long count = count(in);
                if (inferred >= 0) {
                    if (known == 0 || count % known != 0) {
                        throw new InvalidInputException("input 'shape' " + Arrays.toString(spec) + ": cannot infer the -1 dimension for "
                                + count + " elements of input " + Arrays.toString(in));
                    }
                    out[inferred] = count / known;
                }
                return out;
            }
        },
        FLATTEN {
            @Override
            long[] dims(KernelContext ctx, long[] in) {
                long a = ctx.node().getInt("axis", 1);
                if (a < -in.length || a > in.length) {
                    throw new InvalidInputException("attribute 'axis': expected a value in [" + (-in.length) + ", " + in.length
                            + "] for rank " + in.length + ", got " + a);
                }
                int axis = (int) (a < 0 ? a + in.length : a);
                return new long[] {product(in, 0, axis), product(in, axis, in.length)};
            }
        },
        SQUEEZE {
            @Override
            long[] dims(KernelContext ctx, long[] in) {
                boolean[] drop = new boolean[in.length];
                if (ctx.hasInput(1)) {
                    for (int a : Args.axes(Args.vector(ctx.tensor(1), "input 'axes'"), in.length, "input 'axes'")) {
                        if (in[a] != 1) {
                            throw new InvalidInputException("input 'axes': axis " + a + " of input " + Arrays.toString(in)
                                    + " has size " + in[a] + ", expected 1");
                        }
                        drop[a] = true;
                    }
                } else {
                    for (int i = 0; i < in.length; i++) {
                        drop[i] = in[i] == 1;
                    }
                }
                return Arrays.stream(indices(in.length)).filter(i -> !drop[i]).mapToLong(i -> in[i]).toArray();
            }
        },
        UNSQUEEZE {
            @Override
            long[] dims(KernelContext ctx, long[] in) {
                long[] axes = Args.vector(ctx.tensor(1), "input 'axes'");
                int rank = in.length + axes.length;
                boolean[] insert = new boolean[rank];
                for (int a : Args.axes(axes, rank, "input 'axes'")) {
                    insert[a] = true;
                }
                long[] out = new long[rank];
                for (int i = 0, j = 0; i < rank; i++) {
                    out[i] = insert[i] ? 1 : in[j++];
                }
                return out;
            }
        };

        abstract long[] dims(KernelContext ctx, long[] in);
    }

    private final Rule rule;

    public ReshapeKernel(Rule rule) {
        this.rule = rule;
    }

    /** Factory for a registry row. */
    public static CpuKernelFactory factory(Rule rule) {
        return (request, execution) -> new ReshapeKernel(rule);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] dims = rule.dims(ctx, x.dims());
        Shape shape = Args.outputShape(dims, "the target shape");
        if (shape.elementCount() != x.elementCount()) {
            throw new InvalidInputException("cannot reshape input " + x.describe() + " (" + x.elementCount() + " elements) to "
                    + shape + " (" + shape.elementCount() + " elements)");
        }
        ctx.setOutput(0, x.reshape(shape));
    }

    private static long count(long[] dims) {
        return product(dims, 0, dims.length);
    }

    private static long product(long[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    private static int[] indices(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }
}
