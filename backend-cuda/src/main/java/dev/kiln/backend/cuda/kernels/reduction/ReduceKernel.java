package dev.kiln.backend.cuda.kernels.reduction;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;
import dev.kiln.backend.cuda.DevicePointer;
import java.util.ArrayList;
import java.util.List;

/**
 * ReduceSum, ReduceMean, ReduceMax, ReduceMin and ReduceSumSquare of float32 tensors, axes from the
 * optional second input (attributes keepdims, noop_with_empty_axes). Reduced axes that form one run are
 * reduced in place as an [outer, n, inner] view; scattered axes are first moved last by a strided copy.
 * Immutable.
 */
final class ReduceKernel implements Kernel {
    private final CudaDevice device;
    private final String opType;
    private final int code;
    private final boolean keepDims;
    private final boolean noopWithEmptyAxes;

    ReduceKernel(KernelRequest request, CudaDevice device, int code) {
        this.device = device;
        this.opType = request.node().opType();
        this.code = code;
        this.keepDims = request.node().getInt("keepdims", 1) != 0;
        this.noopWithEmptyAxes = request.node().getInt("noop_with_empty_axes", 0) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] d = x.dims();
        boolean[] reduced = reducedAxes(ctx, d.length);
        DevicePointer px = device.in(ctx, 0);
        if (reduced == null) {
            Tensor y = ctx.allocate(DType.FLOAT, x.shape());
            // with no axes and noop_with_empty_axes the op is the identity (SumSquare still squares)
            if (code == CudaReductionKernels.SUM_SQUARE) {
                device.launch("binary_same_f32", y.elementCount(), px, px, device.address(y), y.elementCount(), 2);
            } else {
                device.copy(device.address(y), px, y.elementCount() * 4);
            }
            ctx.setOutput(0, y);
            return;
        }
        List<Integer> kept = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            (reduced[i] ? gone : kept).add(i);
        }
        long[] outDims = outputDims(d, reduced);
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(outDims));
        int lo = gone.isEmpty() ? d.length : gone.get(0);
        int hi = gone.isEmpty() ? d.length - 1 : gone.get(gone.size() - 1);
        long outer;
        long n;
        long inner;
        if (gone.isEmpty() || hi - lo + 1 == gone.size()) {
            outer = product(d, 0, lo);
            n = product(d, lo, hi + 1);
            inner = product(d, hi + 1, d.length);
        } else {
            int[] perm = new int[d.length];
            int p = 0;
            for (int k : kept) {
                perm[p++] = k;
            }
            for (int g : gone) {
                perm[p++] = g;
            }
            long[] permDims = new long[d.length];
            long[] own = CudaStrides.contiguous(d);
            long[] src = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                permDims[i] = d[perm[i]];
                src[i] = own[perm[i]];
            }
            Tensor moved = ctx.allocate(DType.FLOAT, Shape.of(permDims));
            CudaCopies.strided(device, px, device.address(moved), moved.elementCount(), 0, 0,
                    CudaStrides.of(permDims, src, CudaStrides.contiguous(permDims)), 4);
            px = device.address(moved);
            outer = product(permDims, 0, kept.size());
            n = product(permDims, kept.size(), d.length);
            inner = 1;
        }
        device.launchRows("reduce_f32", outer * inner, px, device.address(y), outer, n, inner, code);
        ctx.setOutput(0, y);
    }

    /** Which axes are reduced, or null when the op is the identity (no axes and noop_with_empty_axes). */
    private boolean[] reducedAxes(KernelContext ctx, int rank) {
        boolean[] r = new boolean[rank];
        long[] axes = ctx.hasInput(1) ? device.longs(ctx.tensor(1)) : new long[0];
        if (axes.length == 0) {
            if (noopWithEmptyAxes) {
                return null;
            }
            java.util.Arrays.fill(r, true);
            return r;
        }
        for (long a : axes) {
            long axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) {
                throw new InvalidInputException(opType + ": axis " + a + " is out of range for rank " + rank);
            }
            r[(int) axis] = true;
        }
        return r;
    }

    private long[] outputDims(long[] d, boolean[] reduced) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            if (!reduced[i]) {
                out.add(d[i]);
            } else if (keepDims) {
                out.add(1L);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static long product(long[] d, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= d[i];
        }
        return p;
    }
}
