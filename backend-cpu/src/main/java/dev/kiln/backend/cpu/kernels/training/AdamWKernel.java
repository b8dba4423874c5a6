package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;

/**
 * dev.kiln.training::AdamW (opset 1): Adam with decoupled weight decay (Loshchilov and Hutter), in the
 * form PyTorch's {@code torch.optim.AdamW} uses. Inputs {@code R, T, X..., G..., V..., H...} with T the
 * 1-based number of this update; outputs {@code X_new..., V_new..., H_new...}. Attributes alpha (0.9),
 * beta (0.999), epsilon (1e-8), weight_decay (0.01). Per element:
 * <pre>
 *   V_new  = alpha * V + (1 - alpha) * G
 *   H_new  = beta * H + (1 - beta) * G * G
 *   m      = V_new / (1 - alpha^T)
 *   s      = H_new / (1 - beta^T)
 *   X_new  = X * (1 - R * weight_decay) - R * m / (sqrt(s) + epsilon)
 * </pre>
 * With T = 0 the bias corrections are skipped (m = V_new, s = H_new). The decay acts on X directly and
 * never enters V or H, which is what separates AdamW from Adam with an L2 term.
 */
final class AdamWKernel extends OptimizerKernel {
    /** The Kiln domain of training ops that ONNX does not define. */
    static final String DOMAIN = "dev.kiln.training";

    private final double alpha;
    private final double beta;
    private final double epsilon;
    private final double decay;

    AdamWKernel(KernelRequest request, CpuExecution execution) {
        super("AdamW", DOMAIN, 4, execution);
        var node = request.node();
        this.alpha = node.getFloat("alpha", 0.9f);
        this.beta = node.getFloat("beta", 0.999f);
        this.epsilon = node.getFloat("epsilon", 1e-8f);
        this.decay = node.getFloat("weight_decay", 0.01f);
    }

    @Override
    void update(double r, long t, double[][] in, double[][] out, int n) {
        double[] x = in[0];
        double[] g = in[1];
        double[] v = in[2];
        double[] h = in[3];
        // reciprocals of the bias corrections, so the loop divides once per element
        double inv1 = t > 0 ? 1 / (1 - Math.pow(alpha, t)) : 1;
        double inv2 = t > 0 ? 1 / (1 - Math.pow(beta, t)) : 1;
        double keep = 1 - r * decay;
        for (int i = 0; i < n; i++) {
            double vNew = alpha * v[i] + (1 - alpha) * g[i];
            double hNew = beta * h[i] + (1 - beta) * g[i] * g[i];
            out[0][i] = x[i] * keep - r * vNew * inv1 / (Math.sqrt(hNew * inv2) + epsilon);
            out[1][i] = vNew;
            out[2][i] = hNew;
        }
    }

    /**
     * float32 tensors compute in float32, as PyTorch's AdamW does, in one pass C2 vectorizes (the
     * double path's conversions keep it scalar): every operation rounds once, so X_new stays within a
     * few ulp of the double path's and V_new, H_new within one or two.
     */
    @Override
    boolean updateFloats(double r, long t, float[][] in, float[][] out, int from, int n) {
        float[] x = in[0];
        float[] g = in[1];
        float[] v = in[2];
        float[] h = in[3];
        float[] xNew = out[0];
        float[] vOut = out[1];
        float[] hOut = out[2];
        float a = (float) alpha;
        float a1 = (float) (1 - alpha);
        float b = (float) beta;
        float b1 = (float) (1 - beta);
        float eps = (float) epsilon;
        // R / (1 - alpha^T) folded into one step size; the second correction scales H_new inside the root
        float step = (float) (r * (t > 0 ? 1 / (1 - Math.pow(alpha, t)) : 1));
        float inv2 = (float) (t > 0 ? 1 / (1 - Math.pow(beta, t)) : 1);
        float keep = (float) (1 - r * decay);
        for (int i = from; i < from + n; i++) {
            float gi = g[i];
            float vNew = a * v[i] + a1 * gi;
            float hNew = b * h[i] + b1 * (gi * gi);
            float den = (float) Math.sqrt(hNew * inv2) + eps;
            xNew[i] = x[i] * keep - step * vNew / den;
            vOut[i] = vNew;
            hOut[i] = hNew;
        }
        return true;
    }
}
