package dev.kiln.backend.cpu.kernels.nn;

/** Powers and roots for the Lp pooling ops, with the common p = 1 and p = 2 kept exact and cheap. */
final class LpNorm {
    private LpNorm() {
    }

    static double power(double absValue, int p) {
        return p == 1 ? absValue : p == 2 ? absValue * absValue : Math.pow(absValue, p);
    }

    static double root(double sum, int p) {
        return p == 1 ? sum : p == 2 ? Math.sqrt(sum) : Math.pow(sum, 1.0 / p);
    }
}
