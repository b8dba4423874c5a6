package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * 2-D Conv of float32 NCHW tensors as im2col plus GEMM: per group, the column matrices of all images
 * ([K, OH*OW] each, K = C/group * KH * KW) are built, then one strided-batched cuBLAS GEMM multiplies the
 * group's weights [M/group, K] with every image's columns. A pointwise 1x1 conv skips im2col. Bias is
 * added per channel. Immutable.
 */
final class ConvKernel implements Kernel {
    private final KernelRequest request;
    private final CudaDevice device;
    private final long group;

    ConvKernel(KernelRequest request, CudaDevice device) {
        this.request = request;
        this.device = device;
        this.group = request.node().getInt("group", 1);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor w = ctx.tensor(1);
        if (x.rank() != 4 || w.rank() != 4) {
            throw new InvalidInputException("Conv: the cuda kernel takes 2-D NCHW input and weights, got " + x.describe() + " and " + w.describe());
        }
        long n = x.dim(0);
        long c = x.dim(1);
        long h = x.dim(2);
        long wd = x.dim(3);
        long m = w.dim(0);
        long cg = w.dim(1);
        if (c != cg * group || m % group != 0) {
            throw new InvalidInputException("Conv: input " + x.describe() + " and weights " + w.describe() + " do not match group " + group);
        }
        ConvGeometry g = ConvGeometry.of(request, "Conv", h, wd, w.dim(2), w.dim(3));
        long mg = m / group;
        long k = cg * g.kh() * g.kw();
        long p = g.oh() * g.ow();
        Tensor y = ctx.allocate(DType.FLOAT, Shape.of(n, m, g.oh(), g.ow()));
        DevicePointer px = device.in(ctx, 0);
        DevicePointer pw = device.in(ctx, 1);
        DevicePointer py = device.address(y);
        Tensor col = g.pointwise() ? null : ctx.allocate(DType.FLOAT, Shape.of(n, k, p));
        for (long gi = 0; gi < group; gi++) {
            DevicePointer b;
            long strideB;
            if (col == null) {
                b = px.plus(gi * cg * h * wd * 4);
                strideB = c * h * wd;
            } else {
                for (long img = 0; img < n; img++) {
                    device.launch("im2col_f32", k * p, px.plus(((img * c) + gi * cg) * h * wd * 4),
                            device.address(col).plus(img * k * p * 4), cg, h, wd, g.kh(), g.kw(), g.oh(), g.ow(),
                            g.sh(), g.sw(), g.pt(), g.pl(), g.dh(), g.dw());
                }
                b = device.address(col);
                strideB = k * p;
            }
            device.gemm(false, false, mg, p, k, 1f, pw.plus(gi * mg * k * 4), 0, b, strideB, 0f,
                    py.plus(gi * mg * p * 4), m * p, n);
        }
        if (ctx.hasInput(2)) {
            device.launch("channel_bias_f32", y.elementCount(), py, device.in(ctx, 2), n, m, p);
        }
        ctx.setOutput(0, y);
    }
}
