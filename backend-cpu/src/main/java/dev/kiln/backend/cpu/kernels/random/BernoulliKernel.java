package dev.kiln.backend.cpu.kernels.random;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.SplittableRandom;

/** Bernoulli: 1 with probability p (the input element), else 0, in the 'dtype' type or the input's. See {@link RandomStream}. Thread-safe. */
public final class BernoulliKernel implements Kernel {
    private final DType dtype;
    private final RandomStream stream;

    BernoulliKernel(KernelRequest request) {
        this.dtype = request.node().hasAttribute("dtype") ? RandomStream.dtype(request.node(), null) : null;
        this.stream = new RandomStream(request.node());
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor p = ctx.tensor(0);
        if (!p.dtype().isFloatingPoint()) {
            throw new InvalidInputException("input 'input': expected probabilities of a floating-point type, got " + p.describe());
        }
        Tensor out = ctx.allocate(dtype != null ? dtype : p.dtype(), p.shape());
        SplittableRandom random = stream.forRun();
        double[] v = new double[p.size()];
        for (int i = 0; i < v.length; i++) {
            double q = p.getDouble(i);
            if (!(q >= 0 && q <= 1)) {
                throw new InvalidInputException("input 'input': element " + i + " is " + q + "; probabilities must be in [0, 1]");
            }
            v[i] = random.nextDouble() < q ? 1 : 0;
        }
        RandomStream.store(v, out);
        ctx.setOutput(0, out);
    }
}
