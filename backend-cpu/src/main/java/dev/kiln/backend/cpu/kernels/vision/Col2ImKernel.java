package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * Col2Im (opset 18): sums the columns {@code [N, C * prod(block), L]} back into images {@code [N, C, image_shape]},
 * the inverse layout of im2col with the given strides, dilations and pads (begin values then end values).
 */
final class Col2ImKernel implements Kernel {
    private final long[] dilations;
    private final long[] pads;
    private final long[] strides;

    Col2ImKernel(KernelRequest request) {
        this.dilations = request.node().getInts("dilations", null);
        this.pads = request.node().getInts("pads", null);
        this.strides = request.node().getInts("strides", null);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor cols = ctx.tensor(0);
        int[] image = toInts(Args.vector(ctx.tensor(1), "Col2Im image_shape"));
        int[] block = toInts(Args.vector(ctx.tensor(2), "Col2Im block_shape"));
        int r = image.length;
        if (block.length != r || java.util.Arrays.stream(block).anyMatch(b -> b < 1)) {
            throw new InvalidInputException("Col2Im block_shape " + java.util.Arrays.toString(block) + ": expected " + r
                    + " positive values, one per dimension of image_shape " + java.util.Arrays.toString(image));
        }
        int[] dil = orDefault(dilations, "dilations", r, 1, 1);
        int[] str = orDefault(strides, "strides", r, 1, 1);
        int[] pad = orDefault(pads, "pads", 2 * r, 0, 0);
        int[] cd = cols.shape().intDims();
        int blockSize = Args.product(block, 0, r);
        int[] outCount = new int[r];
        for (int d = 0; d < r; d++) {
            long span = (long) image[d] + pad[d] + pad[d + r] - ((long) dil[d] * (block[d] - 1) + 1);
            if (span < 0 || span / str[d] + 1 > Integer.MAX_VALUE) {
                throw new InvalidInputException("Col2Im: dimension " + d + " of image " + java.util.Arrays.toString(image) + " with pads "
                        + java.util.Arrays.toString(pad) + " cannot hold a block of " + block[d] + " dilated by " + dil[d]);
            }
            outCount[d] = (int) (span / str[d] + 1);
        }
        int positions = Args.product(outCount, 0, r);
        if (cd.length != 3 || block.length != r || cd[1] % blockSize != 0 || cd[2] != positions) {
            throw new InvalidInputException("Col2Im input: expected [N, C*" + blockSize + ", " + positions + "], got " + cols.describe());
        }
        int n = cd[0];
        int c = cd[1] / blockSize;
        int plane = Args.product(image, 0, r);
        double[] in = TensorArrays.doubles(cols);
        double[] out = new double[n * c * plane];
        int[] k = new int[r];
        int[] p = new int[r];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int kb = 0; kb < blockSize; kb++) {
                    unravel(kb, block, k);
                    int row = ((b * c + ch) * blockSize + kb) * positions;
                    for (int pos = 0; pos < positions; pos++) {
                        unravel(pos, outCount, p);
                        int dst = 0;
                        boolean inside = true;
                        for (int d = 0; d < r; d++) {
                            int i = p[d] * str[d] - pad[d] + k[d] * dil[d];
                            inside &= i >= 0 && i < image[d];
                            dst = dst * image[d] + i;
                        }
                        if (inside) {
                            out[(b * c + ch) * plane + dst] += in[row + pos];
                        }
                    }
                }
            }
        }
        long[] outDims = new long[r + 2];
        outDims[0] = n;
        outDims[1] = c;
        for (int d = 0; d < r; d++) {
            outDims[d + 2] = image[d];
        }
        Tensor y = ctx.allocate(cols.dtype(), Shape.of(outDims));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    static void unravel(int flat, int[] dims, int[] out) {
        for (int d = dims.length - 1; d >= 0; d--) {
            out[d] = flat % dims[d];
            flat /= dims[d];
        }
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Args.size(v[i], "Col2Im shape value");
        }
        return out;
    }

    /** The attribute's values (or {@code fill} when absent), each checked to lie in [min, int range]. */
    private static int[] orDefault(long[] v, String name, int n, int fill, int min) {
        if (v != null && v.length != n) {
            throw new InvalidInputException("Col2Im attribute '" + name + "' has " + v.length + " values; expected " + n);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long x = v == null ? fill : v[i];
            if (x < min || x > Integer.MAX_VALUE) {
                throw new InvalidInputException("Col2Im attribute '" + name + "' value " + x + " is out of range; expected at least " + min);
            }
            out[i] = (int) x;
        }
        return out;
    }
}
