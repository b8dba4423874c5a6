package dev.kiln.backend.cuda;

import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;

/**
 * Strided copies through copy.cu's {@code copy_strided_N} kernels, chosen by element size: the one piece
 * of code behind Transpose, Slice, Expand, Concat and MatMul's batch broadcasting. Static; thread-safe.
 */
public final class CudaCopies {
    private CudaCopies() {
    }

    /**
     * For every index of the walk {@code st} (whose operand 0 is the source and 1 the destination),
     * copies one element of {@code elementSize} bytes; offsets are in elements.
     */
    public static void strided(CudaDevice device, DevicePointer x, DevicePointer y, long n, long xOffset, long yOffset,
                               CudaStrides st, int elementSize) {
        String kernel = switch (elementSize) {
            case 1 -> "copy_strided_1";
            case 2 -> "copy_strided_2";
            case 4 -> "copy_strided_4";
            case 8 -> "copy_strided_8";
            default -> throw new IllegalArgumentException("no strided copy for elements of " + elementSize + " bytes");
        };
        device.launch(kernel, n, x, y, n, xOffset, yOffset, st);
    }

    /** A new contiguous tensor holding the contiguous {@code dtype} data at {@code px}, of shape {@code in}, broadcast to {@code out}. */
    public static Tensor expand(CudaDevice device, KernelContext ctx, DType dtype, long[] in, DevicePointer px, long[] out) {
        Tensor y = ctx.allocate(dtype, Shape.of(out));
        if (Arrays.equals(in, out)) {
            device.copy(device.address(y), px, y.elementCount() * dtype.byteSize());
        } else {
            CudaStrides st = CudaStrides.of(out, CudaStrides.broadcast(in, out), CudaStrides.contiguous(out));
            strided(device, px, device.address(y), y.elementCount(), 0, 0, st, dtype.byteSize());
        }
        return y;
    }
}
