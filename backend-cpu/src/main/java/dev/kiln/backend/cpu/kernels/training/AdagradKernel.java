package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.ir.Model;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * ai.onnx.preview.training::Adagrad (opset 1). Inputs {@code R, T, X..., G..., H...}; outputs
 * {@code X_new..., H_new...}. Attributes decay_factor (0), epsilon (0), norm_coefficient (0).
 * Per element:
 * <pre>
 *   r      = R / (1 + T * decay_factor)
 *   g      = norm_coefficient * X + G
 *   H_new  = H + g * g
 *   X_new  = X - r * g / (sqrt(H_new) + epsilon)
 * </pre>
 */
final class AdagradKernel extends OptimizerKernel {
    private final double decay;
    private final double epsilon;
    private final double norm;

    AdagradKernel(KernelRequest request, CpuExecution execution) {
        super("Adagrad", Model.TRAINING_DOMAIN, 3, execution);
        var node = request.node();
        this.decay = node.getFloat("decay_factor", 0f);
        this.epsilon = node.getFloat("epsilon", 0f);
        this.norm = node.getFloat("norm_coefficient", 0f);
    }

    @Override
    void update(double r, long t, double[][] in, double[][] out, int n) {
        double[] x = in[0];
        double[] g = in[1];
        double[] h = in[2];
        double rate = r / (1 + t * decay);
        for (int i = 0; i < n; i++) {
            double gr = norm * x[i] + g[i];
            double hNew = h[i] + gr * gr;
            out[0][i] = x[i] - rate * gr / (Math.sqrt(hNew) + epsilon);
            out[1][i] = hNew;
        }
    }
}
