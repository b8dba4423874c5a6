package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Arrays;

/** Det (opsets 11 to 22): determinants of {@code [..., M, M]} by LU decomposition with partial pivoting in float64. */
final class DetKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        if (rank < 2 || x.dim(rank - 1) != x.dim(rank - 2)) {
            throw new InvalidInputException("Det input: expected [..., M, M], got " + x.describe());
        }
        int m = (int) x.dim(rank - 1);
        double[] in = TensorArrays.doubles(x);
        int count = m == 0 ? (int) (x.elementCount()) : in.length / (m * m);
        double[] out = new double[count];
        double[] a = new double[m * m];
        for (int b = 0; b < count; b++) {
            System.arraycopy(in, b * m * m, a, 0, m * m);
            out[b] = determinant(a, m);
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(Arrays.copyOf(x.dims(), rank - 2)));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    /** Destroys {@code a}. */
    static double determinant(double[] a, int m) {
        double det = 1;
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int row = col + 1; row < m; row++) {
                if (Math.abs(a[row * m + col]) > Math.abs(a[pivot * m + col])) {
                    pivot = row;
                }
            }
            if (a[pivot * m + col] == 0) {
                return 0;
            }
            if (pivot != col) {
                for (int k = 0; k < m; k++) {
                    double t = a[col * m + k];
                    a[col * m + k] = a[pivot * m + k];
                    a[pivot * m + k] = t;
                }
                det = -det;
            }
            double p = a[col * m + col];
            det *= p;
            for (int row = col + 1; row < m; row++) {
                double f = a[row * m + col] / p;
                for (int k = col + 1; k < m; k++) {
                    a[row * m + k] -= f * a[col * m + k];
                }
            }
        }
        return det;
    }
}
