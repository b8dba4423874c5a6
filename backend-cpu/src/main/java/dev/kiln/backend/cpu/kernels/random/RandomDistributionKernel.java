package dev.kiln.backend.cpu.kernels.random;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.SplittableRandom;

/**
 * RandomUniform / RandomNormal and their *Like forms: values uniform in [low, high) or normal with the
 * given mean and scale, in the 'dtype' attribute's type (float32 by default; the *Like forms default to
 * the input's type and take its shape, the others take the 'shape' attribute). See {@link RandomStream}
 * for seeding. Thread-safe.
 */
public final class RandomDistributionKernel implements Kernel {
    private final boolean normal;
    private final boolean like;
    private final double a;
    private final double b;
    private final long[] shape;
    private final DType dtype;
    private final RandomStream stream;

    RandomDistributionKernel(KernelRequest request, boolean normal, boolean like) {
        this.normal = normal;
        this.like = like;
        this.a = request.node().getFloat(normal ? "mean" : "low", 0f);
        this.b = request.node().getFloat(normal ? "scale" : "high", 1f);
        this.shape = like ? null : request.node().getInts("shape", null);
        if (!like && shape == null) {
            throw Args.unsupported(request, "attribute 'shape' is required");
        }
        this.dtype = request.node().hasAttribute("dtype") || !like ? RandomStream.dtype(request.node(), DType.FLOAT) : null;
        if (dtype != null && !dtype.isFloatingPoint()) {
            throw Args.unsupported(request, "attribute 'dtype' must name a floating-point type, got " + dtype);
        }
        this.stream = new RandomStream(request.node());
    }

    @Override
    public void execute(KernelContext ctx) {
        Shape s = like ? ctx.tensor(0).shape() : Shape.of(shape);
        DType t = dtype != null ? dtype : ctx.tensor(0).dtype();
        Tensor out = ctx.allocate(t, s);
        SplittableRandom random = stream.forRun();
        double[] v = new double[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = normal ? a + b * random.nextGaussian() : a + (b - a) * random.nextDouble();
        }
        RandomStream.store(v, out);
        ctx.setOutput(0, out);
    }
}
