package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import dev.kiln.backend.cpu.util.Mt19937;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Dropout. Without training_mode (or with ratio 0) the output is a copy of the data and the mask all true.
 * In training each element is kept with probability {@code 1 - ratio} and scaled by {@code 1 / (1 - ratio)}.
 * With a seed attribute the masks come from a {@link Mt19937} seeded with it and kept across runs, so the
 * n-th run of a kernel always draws the same mask and the first run's mask is the one the ONNX reference
 * (numpy seeded with the same value) draws. Without one, masks come from fresh entropy.
 */
final class DropoutKernel implements Kernel {
    private final SplittableRandom generator;
    private final Mt19937 seeded;

    DropoutKernel(KernelRequest request) {
        this.generator = new SplittableRandom();
        this.seeded = request.node().hasAttribute("seed") ? new Mt19937(request.node().getInt("seed", 0)) : null;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!x.dtype().isFloatingPoint()) {
            throw new UnsupportedOpException("Dropout", "", ctx.opsetVersion(), "input 'data' has element type " + x.dtype()
                    + "; expected a floating-point type");
        }
        double ratio = ctx.hasInput(1) ? scalar(ctx.tensor(1), "ratio").getDouble(0) : 0.5;
        boolean training = ctx.hasInput(2) && scalar(ctx.tensor(2), "training_mode").getBoolean(0);
        if (training && (ratio < 0 || ratio >= 1)) {
            throw new InvalidInputException("Dropout: input 'ratio' must be in [0, 1), got " + ratio);
        }
        if (training && ratio > 0 && !TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException("Dropout", "", ctx.opsetVersion(), "training on element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        boolean wantMask = ctx.outputCount() > 1 && ctx.isOutputRequested(1);
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        Tensor mask = wantMask ? ctx.allocate(DType.BOOL, x.shape()) : null;
        if (!training || ratio == 0) {
            System.arraycopy(x.data(), 0, y.data(), 0, x.size());
            if (mask != null) {
                Arrays.fill(mask.booleanData(), true);
            }
        } else {
            double scale = 1.0 / (1.0 - ratio);
            double[] in = TensorArrays.doubles(x);
            double[] out = new double[in.length];
            boolean[] kept = mask != null ? mask.booleanData() : new boolean[in.length];
            draw(kept, ratio);
            for (int i = 0; i < in.length; i++) {
                out[i] = kept[i] ? in[i] * scale : 0;
            }
            TensorArrays.store(out, y);
        }
        ctx.setOutput(0, y);
        if (mask != null) {
            ctx.setOutput(1, mask);
        }
    }

    private static Tensor scalar(Tensor t, String name) {
        if (t.size() != 1) {
            throw new InvalidInputException("Dropout: input '" + name + "' must be a scalar, got " + t.describe());
        }
        return t;
    }

    /** Keeps each element with probability 1 - ratio: {@code u >= ratio} for a uniform u, as the reference does. */
    private void draw(boolean[] kept, double ratio) {
        if (seeded != null) {
            synchronized (seeded) {
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = seeded.nextDouble() >= ratio;
                }
            }
            return;
        }
        SplittableRandom random;
        synchronized (generator) {
            random = generator.split();
        }
        for (int i = 0; i < kept.length; i++) {
            kept[i] = random.nextDouble() >= ratio;
        }
    }
}
