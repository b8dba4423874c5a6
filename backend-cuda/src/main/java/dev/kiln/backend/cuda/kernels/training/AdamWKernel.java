package dev.kiln.backend.cuda.kernels.training;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * dev.kiln.training::AdamW on float32, with the CPU kernel's semantics (attributes alpha 0.9, beta 0.999,
 * epsilon 1e-8, weight_decay 0.01). Per element, in double, with c1 = 1 - alpha^T and c2 = 1 - beta^T
 * (both 1 when T = 0):
 * <pre>
 *   V_new  = alpha * V + (1 - alpha) * G
 *   H_new  = beta * H + (1 - beta) * G * G
 *   X_new  = X * (1 - R * weight_decay) - R * (V_new / c1) / (sqrt(H_new / c2) + epsilon)
 * </pre>
 */
final class AdamWKernel extends OptimizerKernel {
    private final double alpha;
    private final double beta;
    private final double epsilon;
    private final double decay;

    AdamWKernel(KernelRequest request, CudaDevice device) {
        super(device, "AdamW");
        var node = request.node();
        this.alpha = node.getFloat("alpha", 0.9f);
        this.beta = node.getFloat("beta", 0.999f);
        this.epsilon = node.getFloat("epsilon", 1e-8f);
        this.decay = node.getFloat("weight_decay", 0.01f);
    }

    @Override
    void update(double r, long t, DevicePointer[] in, DevicePointer[] out, long n) {
        double c1 = t > 0 ? 1 - Math.pow(alpha, t) : 1;
        double c2 = t > 0 ? 1 - Math.pow(beta, t) : 1;
        device.launch("adamw_f32", n, in[0], in[1], in[2], in[3], out[0], out[1], out[2], n, r, alpha, beta, epsilon, decay, c1, c2);
    }
}
