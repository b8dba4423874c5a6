package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/** Not (bool) and BitwiseNot (integers, complement wrapped to the type's width). */
final class NotKernel implements Kernel {
    private final boolean bitwise;

    NotKernel(boolean bitwise) {
        this.bitwise = bitwise;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        int n = x.size();
        if (!bitwise) {
            if (x.dtype() != DType.BOOL) {
                throw new InvalidInputException("Not input 'X': expected a bool tensor, got " + x.describe());
            }
            boolean[] in = x.booleanData();
            boolean[] out = y.booleanData();
            for (int i = 0; i < n; i++) {
                out[i] = !in[i];
            }
        } else {
            if (!x.dtype().isInteger()) {
                throw new InvalidInputException("BitwiseNot input 'X': expected an integer tensor, got " + x.describe());
            }
            long[] block = new long[Math.min(ElementCodec.BLOCK, n)];
            for (int p = 0; p < n; p += block.length) {
                int len = Math.min(block.length, n - p);
                ElementCodec.toLong(x, p, block, 0, len);
                for (int i = 0; i < len; i++) {
                    block[i] = ~block[i];
                }
                ElementCodec.fromLong(block, 0, y, p, len);
            }
        }
        ctx.setOutput(0, y);
    }
}
