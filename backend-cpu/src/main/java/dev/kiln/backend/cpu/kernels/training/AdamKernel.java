package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.ir.Model;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * ai.onnx.preview.training::Adam (opset 1). Inputs {@code R, T, X..., G..., V..., H...}; outputs
 * {@code X_new..., V_new..., H_new...}. Attributes alpha (0.9), beta (0.999), epsilon (0),
 * norm_coefficient (0), norm_coefficient_post (0). Per element:
 * <pre>
 *   g      = norm_coefficient * X + G
 *   V_new  = alpha * V + (1 - alpha) * g
 *   H_new  = beta * H + (1 - beta) * g * g
 *   r      = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R
 *   X_new  = (1 - norm_coefficient_post) * (X - r * V_new / (sqrt(H_new) + epsilon))
 * </pre>
 */
final class AdamKernel extends OptimizerKernel {
    private final double alpha;
    private final double beta;
    private final double epsilon;
    private final double norm;
    private final double normPost;

    AdamKernel(KernelRequest request, CpuExecution execution) {
        super("Adam", Model.TRAINING_DOMAIN, 4, execution);
        var node = request.node();
        this.alpha = node.getFloat("alpha", 0.9f);
        this.beta = node.getFloat("beta", 0.999f);
        this.epsilon = node.getFloat("epsilon", 0f);
        this.norm = node.getFloat("norm_coefficient", 0f);
        this.normPost = node.getFloat("norm_coefficient_post", 0f);
    }

    @Override
    void update(double r, long t, double[][] in, double[][] out, int n) {
        double[] x = in[0];
        double[] g = in[1];
        double[] v = in[2];
        double[] h = in[3];
        double rate = t > 0 ? r * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t)) : r;
        for (int i = 0; i < n; i++) {
            double gr = norm * x[i] + g[i];
            double vNew = alpha * v[i] + (1 - alpha) * gr;
            double hNew = beta * h[i] + (1 - beta) * gr * gr;
            out[0][i] = (1 - normPost) * (x[i] - rate * vNew / (Math.sqrt(hNew) + epsilon));
            out[1][i] = vNew;
            out[2][i] = hNew;
        }
    }
}
