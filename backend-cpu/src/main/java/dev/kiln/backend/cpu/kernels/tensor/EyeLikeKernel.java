package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/** EyeLike: zeros of the input's 2-D shape with ones on diagonal k, in the 'dtype' attribute's type or the input's. */
public final class EyeLikeKernel implements Kernel {
    private final DType dtype;
    private final long k;

    public EyeLikeKernel(KernelRequest request) {
        long code = request.node().getInt("dtype", 0);
        this.dtype = code == 0 ? null : DType.fromCode((int) code);
        this.k = request.node().getInt("k", 0);
        if (dtype != null && !NumericArrays.numeric(dtype)) {
            throw Args.unsupported(request, "attribute 'dtype' must be a numeric or bool type, got " + dtype);
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() != 2) {
            throw new InvalidInputException("input 'input': expected a 2-D tensor, got " + x.describe());
        }
        DType t = dtype != null ? dtype : x.dtype();
        Tensor one = Tensor.zeros(t, Shape.of(1));
        NumericArrays.store(new long[] {1}, one);
        Tensor y = ctx.allocate(t, x.shape());
        int rows = (int) x.dim(0);
        int cols = (int) x.dim(1);
        for (int i = 0; i < rows; i++) {
            long j = i + k;
            if (j >= 0 && j < cols) {
                Elements.copy(one.data(), 0, y.data(), (int) (i * cols + j), 1);
            }
        }
        ctx.setOutput(0, y);
    }
}
