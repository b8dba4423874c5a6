package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * MelWeightMatrix (opset 17): triangular filters, peak 1, on {@code num_mel_bins + 2} points evenly spaced on the
 * mel scale {@code 2595 log10(1 + f/700)} between the edge frequencies, each point snapped down to a spectrogram bin.
 */
final class MelWeightMatrixKernel implements Kernel {
    private final DType outType;

    MelWeightMatrixKernel(Node node) {
        this.outType = DType.fromCode((int) node.getInt("output_datatype", 1));
    }

    @Override
    public void execute(KernelContext ctx) {
        int mels = Args.size(Args.scalarLong(ctx.tensor(0), "MelWeightMatrix num_mel_bins"), "num_mel_bins");
        int dftLength = Args.size(Args.scalarLong(ctx.tensor(1), "MelWeightMatrix dft_length"), "dft_length");
        long sampleRate = Args.scalarLong(ctx.tensor(2), "MelWeightMatrix sample_rate");
        double lower = ctx.tensor(3).getDouble(0);
        double upper = ctx.tensor(4).getDouble(0);
        if (sampleRate <= 0 || lower < 0 || upper <= lower) {
            throw new InvalidInputException("MelWeightMatrix: expected sample_rate > 0 and 0 <= lower_edge_hertz < upper_edge_hertz, got "
                    + sampleRate + ", " + lower + ", " + upper);
        }
        int bins = dftLength / 2 + 1;
        double lowMel = mel(lower);
        double melStep = (mel(upper) - lowMel) / (mels + 2);
        int[] point = new int[mels + 2];
        for (int i = 0; i < point.length; i++) {
            double hz = 700 * (Math.pow(10, (i * melStep + lowMel) / 2595) - 1);
            point[i] = (int) Math.floor((dftLength + 1) * hz / sampleRate);
        }
        double[] w = new double[bins * mels];
        for (int m = 0; m < mels; m++) {
            int left = point[m];
            int center = point[m + 1];
            int right = point[m + 2];
            if (center == left) {
                set(w, bins, mels, center, m, 1);
            } else {
                for (int j = left; j <= center; j++) {
                    set(w, bins, mels, j, m, (double) (j - left) / (center - left));
                }
            }
            for (int j = center; j < right; j++) {
                set(w, bins, mels, j, m, (double) (right - j) / (right - center));
            }
        }
        Tensor y = ctx.allocate(outType, Shape.of(bins, mels));
        TensorArrays.store(w, y);
        ctx.setOutput(0, y);
    }

    private static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    private static void set(double[] w, int bins, int mels, int bin, int mel, double v) {
        if (bin >= 0 && bin < bins) {
            w[bin * mels + mel] = v;
        }
    }
}
