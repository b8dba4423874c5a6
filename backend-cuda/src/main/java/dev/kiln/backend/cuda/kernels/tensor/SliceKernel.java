package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaCopies;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;

/**
 * Slice(data, starts, ends, axes?, steps?) with ONNX clamping, negative steps included, as one strided
 * copy: the source strides are scaled by the steps and the walk starts at the first selected element.
 * Immutable.
 */
final class SliceKernel implements Kernel {
    private final CudaDevice device;

    SliceKernel(CudaDevice device) {
        this.device = device;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        long[] d = x.dims();
        int r = d.length;
        long[] starts = device.longs(ctx.tensor(1));
        long[] ends = device.longs(ctx.tensor(2));
        long[] axes = ctx.hasInput(3) ? device.longs(ctx.tensor(3)) : null;
        long[] steps = ctx.hasInput(4) ? device.longs(ctx.tensor(4)) : null;
        if (ends.length != starts.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
            throw new InvalidInputException("Slice: starts, ends, axes and steps must have one entry each per sliced axis");
        }
        long[] first = new long[r];
        long[] step = new long[r];
        long[] out = d.clone();
        java.util.Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            long ax = axes == null ? i : axes[i];
            int a = (int) (ax < 0 ? ax + r : ax);
            if (a < 0 || a >= r) {
                throw new InvalidInputException("Slice: axis " + ax + " is out of range for " + x.describe());
            }
            long s = steps == null ? 1 : steps[i];
            if (s == 0) {
                throw new InvalidInputException("Slice: step 0 on axis " + a);
            }
            long dim = d[a];
            long st = starts[i] < 0 ? starts[i] + dim : starts[i];
            long en = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (s > 0) {
                st = Math.max(0, Math.min(dim, st));
                en = Math.max(0, Math.min(dim, en));
                out[a] = Math.max(0, (en - st + s - 1) / s);
            } else {
                st = Math.max(-1, Math.min(dim - 1, st));
                en = Math.max(-1, Math.min(dim - 1, en));
                out[a] = Math.max(0, (st - en + (-s) - 1) / (-s));
            }
            first[a] = st;
            step[a] = s;
        }
        long[] own = CudaStrides.contiguous(d);
        long[] src = new long[r];
        long offset = 0;
        for (int a = 0; a < r; a++) {
            src[a] = own[a] * step[a];
            if (out[a] > 0) {
                offset += first[a] * own[a];
            }
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(out));
        CudaCopies.strided(device, device.in(ctx, 0), device.address(y), y.elementCount(), offset, 0,
                CudaStrides.of(out, src, CudaStrides.contiguous(out)), x.dtype().byteSize());
        ctx.setOutput(0, y);
    }
}
