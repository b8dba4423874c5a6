package dev.kiln.backend.cuda.kernels.math;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.CudaStrides;
import dev.kiln.backend.cuda.DevicePointer;
import java.util.Arrays;

/**
 * A broadcasting float32 binary op (Add, Sub, Mul, Div, Pow, Max, Min with two inputs) or comparison
 * (Equal, Greater, Less, GreaterOrEqual, LessOrEqual, giving bool). Equal shapes take the contiguous fast
 * path; otherwise each operand is read through broadcast strides. Immutable.
 */
final class BinaryKernel implements Kernel {
    private final CudaDevice device;
    private final String opType;
    private final int code;
    private final boolean compare;

    BinaryKernel(CudaDevice device, String opType, int code, boolean compare) {
        this.device = device;
        this.opType = opType;
        this.code = code;
        this.compare = compare;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        Tensor b = ctx.tensor(1);
        long[] out = CudaStrides.broadcastShape(opType, a.dims(), b.dims());
        DevicePointer pa = device.in(ctx, 0);
        DevicePointer pb = device.in(ctx, 1);
        Tensor y = ctx.allocate(compare ? DType.BOOL : DType.FLOAT, Shape.of(out));
        long n = y.elementCount();
        if (!compare && Arrays.equals(a.dims(), b.dims())) {
            device.launch("binary_same_f32", n, pa, pb, device.address(y), n, code);
        } else {
            CudaStrides st = CudaStrides.of(out, CudaStrides.broadcast(a.dims(), out), CudaStrides.broadcast(b.dims(), out));
            device.launch(compare ? "compare_f32" : "binary_f32", n, pa, pb, device.address(y), n, code, st);
        }
        ctx.setOutput(0, y);
    }
}
