// Optimizer updates for one float32 variable. The step-dependent factors are computed on the host in
// double (as the CPU kernels do) and passed in, so these kernels are pure per-element updates.
#include "common.cuh"

// ai.onnx.preview.training::Adam: g = norm * x + grad; v' = alpha v + (1 - alpha) g;
// h' = beta h + (1 - beta) g^2; x' = (1 - normPost) (x - rate v' / (sqrt(h') + epsilon)).
extern "C" __global__ void adam_f32(const float* x, const float* grad, const float* v, const float* h,
                                    float* xOut, float* vOut, float* hOut, i64 n, double rate, double alpha,
                                    double beta, double epsilon, double norm, double normPost) {
    KILN_GRID_LOOP(i, n) {
        double g = norm * (double) x[i] + (double) grad[i];
        double vn = alpha * (double) v[i] + (1.0 - alpha) * g;
        double hn = beta * (double) h[i] + (1.0 - beta) * g * g;
        if (xOut) xOut[i] = (float) ((1.0 - normPost) * ((double) x[i] - rate * vn / (sqrt(hn) + epsilon)));
        if (vOut) vOut[i] = (float) vn;
        if (hOut) hOut[i] = (float) hn;
    }
}

// dev.kiln.training::AdamW: v' = alpha v + (1 - alpha) g; h' = beta h + (1 - beta) g^2;
// x' = x (1 - r decay) - r (v' / c1) / (sqrt(h' / c2) + epsilon), with c1, c2 the bias corrections.
extern "C" __global__ void adamw_f32(const float* x, const float* grad, const float* v, const float* h,
                                     float* xOut, float* vOut, float* hOut, i64 n, double r, double alpha,
                                     double beta, double epsilon, double decay, double c1, double c2) {
    KILN_GRID_LOOP(i, n) {
        double g = (double) grad[i];
        double vn = alpha * (double) v[i] + (1.0 - alpha) * g;
        double hn = beta * (double) h[i] + (1.0 - beta) * g * g;
        if (xOut) xOut[i] = (float) ((double) x[i] * (1.0 - r * decay) - r * (vn / c1) / (sqrt(hn / c2) + epsilon));
        if (vOut) vOut[i] = (float) vn;
        if (hOut) hOut[i] = (float) hn;
    }
}
