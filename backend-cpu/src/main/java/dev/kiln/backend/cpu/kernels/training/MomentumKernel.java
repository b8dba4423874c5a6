package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Model;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * ai.onnx.preview.training::Momentum (opset 1). Inputs {@code R, T, X..., G..., V...}; outputs
 * {@code X_new..., V_new...}. Required attributes alpha, beta, norm_coefficient and mode
 * ("standard" or "nesterov"). Per element:
 * <pre>
 *   g      = norm_coefficient * X + G
 *   b      = T > 0 ? beta : 1
 *   V_new  = alpha * V + b * g
 *   X_new  = X - R * V_new                    (standard)
 *   X_new  = X - R * (g + alpha * V_new)      (nesterov)
 * </pre>
 */
final class MomentumKernel extends OptimizerKernel {
    private final double alpha;
    private final double beta;
    private final double norm;
    private final boolean nesterov;

    MomentumKernel(KernelRequest request, CpuExecution execution) {
        super("Momentum", Model.TRAINING_DOMAIN, 3, execution);
        var node = request.node();
        this.alpha = required(node, "alpha");
        this.beta = required(node, "beta");
        this.norm = required(node, "norm_coefficient");
        if (!node.hasAttribute("mode")) {
            throw new UnsupportedOpException("Momentum", Model.TRAINING_DOMAIN, request.opsetVersion(), "missing required attribute 'mode'");
        }
        String mode = node.getString("mode", "");
        if (!mode.equals("standard") && !mode.equals("nesterov")) {
            throw new UnsupportedOpException("Momentum", Model.TRAINING_DOMAIN, request.opsetVersion(),
                    "attribute mode='" + mode + "'; expected 'standard' or 'nesterov'");
        }
        this.nesterov = mode.equals("nesterov");
    }

    @Override
    void update(double r, long t, double[][] in, double[][] out, int n) {
        double[] x = in[0];
        double[] g = in[1];
        double[] v = in[2];
        double b = t > 0 ? beta : 1;
        for (int i = 0; i < n; i++) {
            double gr = norm * x[i] + g[i];
            double vNew = alpha * v[i] + b * gr;
            out[0][i] = x[i] - r * (nesterov ? gr + alpha * vNew : vNew);
            out[1][i] = vNew;
        }
    }
}
