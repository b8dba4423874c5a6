package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * dev.kiln.training::SGD (opset 1): plain stochastic gradient descent. Inputs {@code R, T, X..., G...}
 * (T is accepted for a uniform optimizer signature and not used); outputs {@code X_new...}. Attribute
 * weight_decay (0). Per element:
 * <pre>
 *   X_new = X - R * (G + weight_decay * X)
 * </pre>
 */
final class SgdKernel extends OptimizerKernel {
    private final double decay;

    SgdKernel(KernelRequest request, CpuExecution execution) {
        super("SGD", AdamWKernel.DOMAIN, 2, execution);
        this.decay = request.node().getFloat("weight_decay", 0f);
    }

    @Override
    void update(double r, long t, double[][] in, double[][] out, int n) {
        double[] x = in[0];
        double[] g = in[1];
        for (int i = 0; i < n; i++) {
            out[0][i] = x[i] - r * (g[i] + decay * x[i]);
        }
    }
}
