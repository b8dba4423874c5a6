package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/** STFT (opset 17): windowed frames of {@code [batch, length, 1|2]} transformed to {@code [batch, frames, bins, 2]}. */
final class StftKernel implements Kernel {
    private final boolean onesided;

    StftKernel(boolean onesided) {
        this.onesided = onesided;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor signal = ctx.tensor(0);
        int[] dims = signal.shape().intDims();
        if (dims.length != 3 || (dims[2] != 1 && dims[2] != 2)) {
            throw new InvalidInputException("STFT signal: expected [batch, length, 1|2], got " + signal.describe());
        }
        int step = Args.size(Args.scalarLong(ctx.tensor(1), "STFT frame_step"), "STFT frame_step");
        double[] window = ctx.inputCount() > 2 && ctx.hasInput(2) ? TensorArrays.doubles(ctx.tensor(2)) : null;
        int n;
        if (ctx.inputCount() > 3 && ctx.hasInput(3)) {
            n = Args.size(Args.scalarLong(ctx.tensor(3), "STFT frame_length"), "STFT frame_length");
        } else if (window != null) {
            n = window.length;
        } else {
            throw new InvalidInputException("STFT: expected a window or a frame_length to fix the frame size");
        }
        if (window != null && window.length != n) {
            throw new InvalidInputException("STFT window: expected " + n + " values (frame_length), got " + window.length);
        }
        if (step < 1 || n < 1 || n > dims[1]) {
            throw new InvalidInputException("STFT: expected frame_step >= 1 and 1 <= frame_length <= " + dims[1] + ", got step "
                    + step + " and length " + n);
        }
        boolean complexIn = dims[2] == 2;
        int bins = onesided && !complexIn ? n / 2 + 1 : n;
        int frames = (dims[1] - n) / step + 1;
        double[] in = TensorArrays.doubles(signal);
        double[] out = new double[dims[0] * frames * bins * 2];
        double[] re = new double[n];
        double[] im = new double[n];
        double[] oRe = new double[bins];
        double[] oIm = new double[bins];
        for (int b = 0; b < dims[0]; b++) {
            for (int f = 0; f < frames; f++) {
                for (int j = 0; j < n; j++) {
                    int src = (b * dims[1] + f * step + j) * dims[2];
                    double w = window == null ? 1 : window[j];
                    re[j] = in[src] * w;
                    im[j] = complexIn ? in[src + 1] * w : 0;
                }
                Fourier.transform(re, im, n, false, bins, oRe, oIm);
                for (int k = 0; k < bins; k++) {
                    int dst = ((b * frames + f) * bins + k) * 2;
                    out[dst] = oRe[k];
                    out[dst + 1] = oIm[k];
                }
            }
        }
        Tensor y = ctx.allocate(signal.dtype(), Shape.of(dims[0], frames, bins, 2));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }
}
