package dev.kiln.backend.cuda.kernels.training;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cuda.CudaDevice;
import dev.kiln.backend.cuda.DevicePointer;

/**
 * ai.onnx.preview.training::Adam on float32, with the CPU kernel's semantics (attributes alpha 0.9, beta
 * 0.999, epsilon 0, norm_coefficient 0, norm_coefficient_post 0). Per element, in double:
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

    AdamKernel(KernelRequest request, CudaDevice device) {
        super(device, "Adam");
        var node = request.node();
        this.alpha = node.getFloat("alpha", 0.9f);
        this.beta = node.getFloat("beta", 0.999f);
        this.epsilon = node.getFloat("epsilon", 0f);
        this.norm = node.getFloat("norm_coefficient", 0f);
        this.normPost = node.getFloat("norm_coefficient_post", 0f);
    }

    @Override
    void update(double r, long t, DevicePointer[] in, DevicePointer[] out, long n) {
        double rate = t > 0 ? r * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t)) : r;
        device.launch("adam_f32", n, in[0], in[1], in[2], in[3], out[0], out[1], out[2], n, rate, alpha, beta, epsilon, norm, normPost);
    }
}
