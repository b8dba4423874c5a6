package dev.kiln.backend.cpu.kernels.attention;

/** The Swish gate {@code x * sigmoid(alpha * x)} that SwiGLU and CausalConvWithState's SiLU share. Stateless. */
final class Swish {
    private Swish() {
    }

    static double apply(double alpha, double x) {
        return x / (1 + Math.exp(-alpha * x));
    }
}
