package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/**
 * Pad in constant, reflect, edge and wrap modes. The kept part of the input (negative pads crop) is copied
 * into the interior of the output; then, axis by axis, every border slice is copied from the output slice
 * it mirrors, repeats or wraps to, which is already filled by then. Constant mode pre-fills instead.
 */
public final class PadKernel implements Kernel {
    private enum Mode { CONSTANT, REFLECT, EDGE, WRAP }

    private final Mode mode;
    private final CpuExecution execution;

    public PadKernel(KernelRequest request, CpuExecution execution) {
        String m = Args.choice(request, "mode", "constant", "constant", "reflect", "edge", "wrap");
        this.mode = Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT));
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        long[] pads = Args.vector(ctx.tensor(1), "input 'pads'");
        int[] axes = new int[rank];
        if (ctx.hasInput(3)) {
            axes = Args.axes(Args.vector(ctx.tensor(3), "input 'axes'"), rank, "input 'axes'");
        } else {
            Arrays.setAll(axes, i -> i);
        }
        if (pads.length != 2 * axes.length) {
            throw new InvalidInputException("input 'pads' " + Arrays.toString(pads) + ": expected " + 2 * axes.length
                    + " values (begin and end for " + axes.length + " axes)");
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        for (int i = 0; i < axes.length; i++) {
            begin[axes[i]] = pads[i];
            end[axes[i]] = pads[i + axes.length];
        }
        int[] in = Args.slotDims(x);
        int[] inStrides = StridedCopy.contiguousStrides(in);
        long[] outShape = new long[rank];
        int[] keep = in.clone();
        int srcOff = 0;
        int[] lead = new int[in.length];
        for (int k = 0; k < rank; k++) {
            long crop0 = Math.max(0, -begin[k]);
            long crop1 = Math.max(0, -end[k]);
            long kept = in[k] - crop0 - crop1;
            outShape[k] = in[k] + begin[k] + end[k];
            if (kept < 0 || outShape[k] < 0) {
                throw new InvalidInputException("input 'pads' " + Arrays.toString(pads) + ": crops more than the " + in[k]
                        + " entries of axis " + k);
            }
            if (kept == 0 && mode != Mode.CONSTANT && outShape[k] > 0) {
                throw new InvalidInputException("input 'pads': " + mode.name().toLowerCase() + " padding needs a non-empty axis " + k
                        + ", input is " + x.describe());
            }
            keep[k] = (int) kept;
            srcOff += (int) crop0 * inStrides[k];
            lead[k] = (int) Math.max(0, begin[k]);
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outShape));
        if (y.elementCount() == 0) {
            ctx.setOutput(0, y);
            return;
        }
        int[] out = Args.slotDims(y);
        int[] outStrides = StridedCopy.contiguousStrides(out);
        Object dst = y.data();
        if (mode == Mode.CONSTANT && ctx.hasInput(2)) {
            Tensor value = ctx.tensor(2);
            if (value.dtype() != x.dtype() || value.elementCount() != 1) {
                throw new InvalidInputException("input 'constant_value': expected one " + x.dtype() + " value, got " + value.describe());
            }
            Elements.fillPattern(dst, 0, y.size() * x.dtype().slotsPerElement(), value.data(), 0, x.dtype().slotsPerElement());
        }
        int interior = 0;
        for (int k = 0; k < rank; k++) {
            interior += lead[k] * outStrides[k];
        }
        if (Args.product(keep, 0, keep.length) > 0) {
            StridedCopy.copy(x.data(), srcOff, inStrides, dst, interior, outStrides, keep, execution);
        }
        if (mode != Mode.CONSTANT) {
            fillBorders(dst, out, outStrides, keep, lead, rank);
        }
        ctx.setOutput(0, y);
    }

    /** Axis by axis, copies each border slice from the slice it maps to; axes before k are already complete. */
    private void fillBorders(Object dst, int[] out, int[] outStrides, int[] keep, int[] lead, int rank) {
        int[] region = keep.clone();
        int[] start = lead.clone();
        for (int k = 0; k < rank; k++) {
            int n = keep[k];
            int[] slice = region.clone();
            slice[k] = 1;
            int base = 0;
            for (int j = 0; j < region.length; j++) {
                if (j != k) {
                    base += start[j] * outStrides[j];
                }
            }
            for (int j = 0; j < out[k]; j++) {
                int rel = j - lead[k];
                if (rel >= 0 && rel < n) {
                    continue;
                }
                int from = lead[k] + source(rel, n);
                StridedCopy.copy(dst, base + from * outStrides[k], outStrides, dst, base + j * outStrides[k], outStrides, slice, execution);
            }
            region[k] = out[k];
            start[k] = 0;
        }
    }

    /** The kept-input index that border position {@code rel} (relative to the kept part) takes its value from. */
    private int source(int rel, int n) {
        return switch (mode) {
            case EDGE -> Math.max(0, Math.min(n - 1, rel));
            case WRAP -> Math.floorMod(rel, n);
            case REFLECT -> {
                if (n == 1) {
                    yield 0;
                }
                int period = 2 * (n - 1);
                int m = Math.floorMod(rel, period);
                yield m >= n ? period - m : m;
            }
            case CONSTANT -> throw new IllegalStateException("constant padding has no source index");
        };
    }
}
