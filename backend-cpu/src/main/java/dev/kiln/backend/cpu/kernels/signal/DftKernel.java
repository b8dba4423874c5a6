package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * DFT: opset 17 takes the axis as an attribute (default 1), opset 20 as an optional third input (default -2); the input wins.
 * Supports the full complex transform, RFFT ({@code onesided=1}) and IRFFT ({@code onesided=1, inverse=1}).
 */
final class DftKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        boolean inverse = ctx.node().getInt("inverse", 0) != 0;
        boolean onesided = ctx.node().getInt("onesided", 0) != 0;
        int rank = x.rank();
        int[] dims = x.shape().intDims();
        if (rank < 2 || (dims[rank - 1] != 1 && dims[rank - 1] != 2)) {
            throw new InvalidInputException("DFT input: expected [..., signal, 1|2], got " + x.describe());
        }
        // the importer turns an opset-17 'axis' attribute into input 2 (the canonical form); an attribute seen
        // here comes from a graph built directly at the old opset
        long axisValue = ctx.inputCount() > 2 && ctx.hasInput(2) ? Args.scalarLong(ctx.tensor(2), "DFT axis")
                : ctx.node().hasAttribute("axis") ? ctx.node().getInt("axis", 1)
                : ctx.opsetVersion() >= 20 ? -2 : 1;
        int axis = Args.axis(axisValue, rank, "DFT axis");
        if (axis == rank - 1) {
            throw new InvalidInputException("DFT axis: the last dimension holds (re, im) and cannot be transformed");
        }
        boolean complexIn = dims[rank - 1] == 2;
        boolean irfft = onesided && inverse;
        int length = dims[axis];
        int n = ctx.inputCount() > 1 && ctx.hasInput(1) ? Args.size(Args.scalarLong(ctx.tensor(1), "DFT dft_length"), "DFT dft_length")
                : irfft ? 2 * (length - 1) : length;
        if (n < 1) {
            throw new InvalidInputException("DFT dft_length: expected at least 1, got " + n);
        }
        int outLen = onesided && !inverse ? n / 2 + 1 : n;
        int outComponents = irfft ? 1 : 2;
        int outer = Args.product(dims, 0, axis);
        int inner = Args.product(dims, axis + 1, rank - 1);
        double[] in = TensorArrays.doubles(x);
        double[] out = new double[outer * outLen * inner * outComponents];
        double[] re = new double[n];
        double[] im = new double[n];
        double[] oRe = new double[outLen];
        double[] oIm = new double[outLen];
        int c = dims[rank - 1];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                java.util.Arrays.fill(re, 0);
                java.util.Arrays.fill(im, 0);
                int take = Math.min(length, n);
                for (int j = 0; j < take; j++) {
                    int src = ((o * length + j) * inner + i) * c;
                    re[j] = in[src];
                    im[j] = complexIn ? in[src + 1] : 0;
                }
                if (irfft) {
                    // rebuild the conjugate-symmetric upper half from the given one-sided spectrum
                    for (int j = n / 2 + 1; j < n; j++) {
                        re[j] = re[n - j];
                        im[j] = -im[n - j];
                    }
                }
                Fourier.transform(re, im, n, inverse, outLen, oRe, oIm);
                for (int k = 0; k < outLen; k++) {
                    int dst = ((o * outLen + k) * inner + i) * outComponents;
                    out[dst] = oRe[k];
                    if (outComponents == 2) {
                        out[dst + 1] = oIm[k];
                    }
                }
            }
        }
        long[] outDims = x.dims().clone();
        outDims[axis] = outLen;
        outDims[rank - 1] = outComponents;
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outDims));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
