package dev.kiln.backend.cuda.kernels.tensor;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import java.util.List;

/**
 * Cast and CastLike between float32, float64, int32, int64 and bool (copy.cu's {@code cast}). Floats to
 * integers truncate toward zero; anything non-zero becomes true. The target is attribute {@code to}
 * (Cast) or the element type of input 1 (CastLike). Immutable.
 */
final class CastKernel implements Kernel {
    /** The element types in the order of copy.cu's T_ codes. */
    static final List<DType> TYPES = List.of(DType.FLOAT, DType.DOUBLE, DType.INT32, DType.INT64, DType.BOOL);

    private final CudaDevice device;
    private final DType to;

    /** {@code to} null means CastLike: the target type is read from input 1. */
    CastKernel(CudaDevice device, DType to) {
        this.device = device;
        this.to = to;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        DType target = to != null ? to : ctx.tensor(1).dtype();
        if (x.dtype() == target) {
            ctx.setOutput(0, x);
            return;
        }
        Tensor y = ctx.allocate(target, x.shape());
        device.launch("cast", x.elementCount(), device.in(ctx, 0), device.address(y), x.elementCount(),
                TYPES.indexOf(x.dtype()), TYPES.indexOf(target));
        ctx.setOutput(0, y);
    }
}
