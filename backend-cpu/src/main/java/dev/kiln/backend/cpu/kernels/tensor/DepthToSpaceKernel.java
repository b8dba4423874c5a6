package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * DepthToSpace (DCR and CRD) and SpaceToDepth: each is a reshape, a 6-D transpose and a reshape, done as
 * one strided copy whose source strides walk the 6-D view of the input in the output's order.
 */
public final class DepthToSpaceKernel implements Kernel {
    private final boolean toSpace;
    private final boolean crd;
    private final long blocksize;
    private final CpuExecution execution;

    private DepthToSpaceKernel(KernelRequest request, CpuExecution execution, boolean toSpace) {
        this.toSpace = toSpace;
        this.crd = toSpace && Args.choice(request, "mode", "DCR", "DCR", "CRD").equals("CRD");
        this.blocksize = request.node().getInt("blocksize", 0);
        if (blocksize <= 0) {
            throw Args.unsupported(request, "attribute 'blocksize' must be positive, got " + blocksize);
        }
        this.execution = execution;
    }

    public static DepthToSpaceKernel depthToSpace(KernelRequest request, CpuExecution execution) {
        return new DepthToSpaceKernel(request, execution, true);
    }

    public static DepthToSpaceKernel spaceToDepth(KernelRequest request, CpuExecution execution) {
        return new DepthToSpaceKernel(request, execution, false);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() != 4) {
            throw new InvalidInputException("input 'input': expected a 4-D [N,C,H,W] tensor, got " + x.describe());
        }
        int b = (int) blocksize;
        int n = (int) x.dim(0);
        int c = (int) x.dim(1);
        int h = (int) x.dim(2);
        int w = (int) x.dim(3);
        int[] dims;
        int[] src;
        Shape outShape;
        if (toSpace) {
            if (c % (b * b) != 0) {
                throw new InvalidInputException("input 'input' " + x.describe() + ": channels must be a multiple of blocksize^2 = " + b * b);
            }
            int oc = c / (b * b);
            int sC = h * w;
            // output order [N, C', H, b1, W, b2]; the input channel is b1*b*C' + b2*C' + c' (DCR) or c'*b*b + b1*b + b2 (CRD)
            int strideOc = crd ? b * b * sC : sC;
            int strideB1 = crd ? b * sC : b * oc * sC;
            int strideB2 = crd ? sC : oc * sC;
            dims = new int[] {n, oc, h, b, w, b};
            src = new int[] {c * sC, strideOc, w, strideB1, 1, strideB2};
            outShape = Shape.of(n, oc, (long) h * b, (long) w * b);
        } else {
            if (h % b != 0 || w % b != 0) {
                throw new InvalidInputException("input 'input' " + x.describe() + ": height and width must be multiples of blocksize " + b);
            }
            int oh = h / b;
            int ow = w / b;
            // output order [N, b1, b2, C, H', W']; the input element is [n, c, h'*b + b1, w'*b + b2]
            dims = new int[] {n, b, b, c, oh, ow};
            src = new int[] {c * h * w, w, 1, h * w, b * w, b};
            outShape = Shape.of(n, (long) c * b * b, oh, ow);
        }
        Tensor y = ctx.allocate(x.dtype(), outShape);
        int slots = x.dtype().slotsPerElement();
        if (slots > 1) {
            dims = java.util.Arrays.copyOf(dims, 7);
            src = java.util.Arrays.copyOf(src, 7);
            for (int i = 0; i < 6; i++) {
                src[i] *= slots;
            }
            dims[6] = slots;
            src[6] = 1;
        }
        StridedCopy.copy(x.data(), 0, src, y.data(), 0, dims, execution);
        ctx.setOutput(0, y);
    }
}
