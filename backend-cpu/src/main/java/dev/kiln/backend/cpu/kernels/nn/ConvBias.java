package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;

/** Adds a per-channel bias to an (N x M x spatial) result in place, one channel plane per task. */
final class ConvBias {
    private ConvBias() {
    }

    static void add(float[] bias, float[] y, int n, int m, int planeSize, CpuExecution execution) {
        execution.parallelFor(n * m, planeSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                float v = bias[plane % m];
                int base = plane * planeSize;
                for (int i = 0; i < planeSize; i++) {
                    y[base + i] += v;
                }
            }
        });
    }

    static void add(double[] bias, double[] y, int n, int m, int planeSize, CpuExecution execution) {
        execution.parallelFor(n * m, planeSize, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                double v = bias[plane % m];
                int base = plane * planeSize;
                for (int i = 0; i < planeSize; i++) {
                    y[base + i] += v;
                }
            }
        });
    }
}
