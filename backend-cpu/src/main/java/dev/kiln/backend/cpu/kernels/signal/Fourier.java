package dev.kiln.backend.cpu.kernels.signal;

/** A direct discrete Fourier transform in float64 over strided complex data. Stateless. */
final class Fourier {
    private Fourier() {
    }

    /**
     * Transforms one signal of {@code n} complex values given as {@code re}/{@code im} and writes the first
     * {@code outCount} bins to {@code outRe}/{@code outIm}; the inverse divides by {@code n}.
     */
    static void transform(double[] re, double[] im, int n, boolean inverse, int outCount, double[] outRe, double[] outIm) {
        double sign = inverse ? 1 : -1;
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int t = 0; t < n; t++) {
            double a = 2 * Math.PI * t / n;
            cos[t] = Math.cos(a);
            sin[t] = sign * Math.sin(a);
        }
        for (int k = 0; k < outCount; k++) {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++) {
                // the twiddle index k*j mod n keeps the angle exact for long signals
                int t = (int) ((long) k * j % n);
                sr += re[j] * cos[t] - im[j] * sin[t];
                si += re[j] * sin[t] + im[j] * cos[t];
            }
            outRe[k] = inverse ? sr / n : sr;
            outIm[k] = inverse ? si / n : si;
        }
    }
}
