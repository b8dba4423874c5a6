package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * Reshape, Flatten, Squeeze, Unsqueeze and Identity as views: the output shares the input's memory (device
 * or host) under a new shape, so no bytes move. The runtime counts holders per memory block, so sharing is
 * safe. Immutable.
 */
final class ViewKernel implements Kernel {
    private final CudaDevice device;
    private final String op;

    ViewKernel(CudaDevice device, String op) {
        this.device = device;
        this.op = op;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] out = switch (op) {
            case "Reshape" -> reshape(x.dims(), device.longs(ctx.tensor(1)), ctx.node().getInt("allowzero", 0) != 0);
            case "Flatten" -> flatten(x.dims(), ctx.node().getInt("axis", 1));
            case "Squeeze" -> squeeze(x.dims(), ctx.hasInput(1) ? device.longs(ctx.tensor(1)) : null);
            case "Unsqueeze" -> unsqueeze(x.dims(), device.longs(ctx.tensor(1)));
            default -> x.dims();
        };
        Shape shape = Shape.of(out);
        if (shape.elementCount() != x.elementCount()) {
            throw new InvalidInputException(op + ": cannot view " + x.describe() + " as " + shape);
        }
        ctx.setOutput(0, x.isHost() ? x.reshape(shape) : Tensor.onDevice(x.dtype(), shape, x.deviceMemory()));
    }

    static long[] reshape(long[] in, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new InvalidInputException("Reshape: 0 at axis " + i + " copies a dimension the input (rank " + in.length + ") lacks");
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new InvalidInputException("Reshape: more than one -1 in the target shape");
                }
                infer = i;
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            long total = 1;
            for (long d : in) {
                total *= d;
            }
            if (known == 0 || total % known != 0) {
                throw new InvalidInputException("Reshape: cannot infer the -1 axis of " + java.util.Arrays.toString(target)
                        + " for " + total + " elements");
            }
            out[infer] = total / known;
        }
        return out;
    }

    static long[] flatten(long[] in, long axis) {
        long a = axis < 0 ? axis + in.length : axis;
        if (a < 0 || a > in.length) {
            throw new InvalidInputException("Flatten: axis " + axis + " is out of range for rank " + in.length);
        }
        long rows = 1;
        long cols = 1;
        for (int i = 0; i < in.length; i++) {
            if (i < a) {
                rows *= in[i];
            } else {
                cols *= in[i];
            }
        }
        return new long[] {rows, cols};
    }

    static long[] squeeze(long[] in, long[] axes) {
        boolean[] drop = new boolean[in.length];
        if (axes == null) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (long a : axes) {
                int i = (int) (a < 0 ? a + in.length : a);
                if (i < 0 || i >= in.length || in[i] != 1) {
                    throw new InvalidInputException("Squeeze: axis " + a + " is not a dimension of size 1 in " + java.util.Arrays.toString(in));
                }
                drop[i] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                out.add(in[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static long[] unsqueeze(long[] in, long[] axes) {
        int rank = in.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int i = (int) (a < 0 ? a + rank : a);
            if (i < 0 || i >= rank || inserted[i]) {
                throw new InvalidInputException("Unsqueeze: axis " + a + " is out of range or repeated for output rank " + rank);
            }
            inserted[i] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : in[j++];
        }
        return out;
    }
}
