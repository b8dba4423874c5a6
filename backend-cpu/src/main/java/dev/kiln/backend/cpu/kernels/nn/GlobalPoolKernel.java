package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * GlobalAveragePool, GlobalMaxPool and GlobalLpPool: one value per (batch, channel) plane over all spatial
 * axes, which become 1. Accumulates in float64, one plane at a time; planes split over threads.
 */
final class GlobalPoolKernel implements Kernel {
    enum Mode { AVERAGE, MAX, LP }

    private final String op;
    private final Mode mode;
    private final int p;
    private final CpuExecution execution;

    GlobalPoolKernel(String op, Mode mode, int p, CpuExecution execution) {
        this.op = op;
        this.mode = mode;
        this.p = p;
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (!TensorArrays.computesInFloat(x.dtype()) && x.dtype() != DType.DOUBLE) {
            throw new UnsupportedOpException(op, "", ctx.opsetVersion(), "input X has element type " + x.dtype()
                    + "; expected float32, float64, float16 or bfloat16");
        }
        if (x.rank() < 2) {
            throw new InvalidInputException(op + ": input X must be (N x C x D1 ...), got " + x.describe());
        }
        long[] outDims = x.dims();
        for (int i = 2; i < outDims.length; i++) {
            outDims[i] = 1;
        }
        int planes = (int) (x.dim(0) * x.dim(1));
        int size = planes == 0 ? 0 : x.size() / planes;
        double[] out = new double[planes];
        if (x.dtype() == DType.DOUBLE) {
            double[] xv = x.doubleData();
            execution.parallelFor(planes, size, (start, end) -> {
                for (int plane = start; plane < end; plane++) {
                    out[plane] = reduce(xv, plane * size, size);
                }
            });
        } else {
            float[] xv = TensorArrays.floats(x);
            execution.parallelFor(planes, size, (start, end) -> {
                double[] row = new double[size];
                for (int plane = start; plane < end; plane++) {
                    for (int i = 0; i < size; i++) {
                        row[i] = xv[plane * size + i];
                    }
                    out[plane] = reduce(row, 0, size);
                }
            });
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(outDims));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    private double reduce(double[] x, int base, int size) {
        switch (mode) {
            case AVERAGE -> {
                double acc = 0;
                for (int i = 0; i < size; i++) {
                    acc += x[base + i];
                }
                return acc / size;
            }
            case MAX -> {
                double acc = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < size; i++) {
                    // Math.max propagates NaN, as a maximum over data holding NaN should
                    acc = Math.max(acc, x[base + i]);
                }
                return acc;
            }
            default -> {
                double acc = 0;
                for (int i = 0; i < size; i++) {
                    acc += LpNorm.power(Math.abs(x[base + i]), p);
                }
                return LpNorm.root(acc, p);
            }
        }
    }
}
