package dev.kiln.backend.cpu.kernels.random;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.SplittableRandom;

/**
 * Multinomial: for each row of unnormalized log-probabilities [batch, classes], sample_size class indices
 * drawn with probability {@code exp(x_c) / sum exp(x)} (int32 by default, or int64). See {@link RandomStream}. Thread-safe.
 */
public final class MultinomialKernel implements Kernel {
    private final int samples;
    private final DType dtype;
    private final RandomStream stream;

    MultinomialKernel(KernelRequest request) {
        this.samples = (int) request.node().getInt("sample_size", 1);
        this.dtype = RandomStream.dtype(request.node(), DType.INT32);
        if (dtype != DType.INT32 && dtype != DType.INT64) {
            throw Args.unsupported(request, "attribute 'dtype' must be int32 or int64, got " + dtype);
        }
        if (samples < 0) {
            throw Args.unsupported(request, "attribute 'sample_size' must not be negative, got " + samples);
        }
        this.stream = new RandomStream(request.node());
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() != 2 || !x.dtype().isFloatingPoint()) {
            throw new InvalidInputException("input 'input': expected floating log-probabilities [batch, classes], got " + x.describe());
        }
        int batch = (int) x.dim(0);
        int classes = (int) x.dim(1);
        Tensor out = ctx.allocate(dtype, Shape.of(batch, samples));
        SplittableRandom random = stream.forRun();
        double[] cumulative = new double[classes];
        double[] v = new double[batch * samples];
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, x.getDouble(n * classes + c));
            }
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(x.getDouble(n * classes + c) - max);
                cumulative[c] = total;
            }
            for (int s = 0; s < samples; s++) {
                double u = random.nextDouble() * total;
                int c = 0;
                while (c < classes - 1 && cumulative[c] <= u) {
                    c++;
                }
                v[n * samples + s] = c;
            }
        }
        RandomStream.store(v, out);
        ctx.setOutput(0, out);
    }
}
