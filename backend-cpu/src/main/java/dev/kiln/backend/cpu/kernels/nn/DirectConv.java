package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;

/**
 * Depthwise convolution (one input channel per group) computed directly, one output channel plane per
 * task, accumulating tap by tap over runs of the innermost axis: per-group GEMMs would be too thin for
 * BLAS to pay off.
 */
final class DirectConv {
    private DirectConv() {
    }

    static void depthwise(ConvKernel.Geometry g, Window w, float[] x, float[] wt, float[] y, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        execution.parallelFor(g.n() * g.m(), (long) g.taps() * g.outSize(), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int oc = plane % g.m();
                int xBase = ((plane / g.m()) * g.c() + oc / g.mg()) * g.inSize();
                int yBase = plane * g.outSize();
                for (int t = 0; t < g.taps(); t++) {
                    float wv = wt[oc * g.taps() + t];
                    int t0 = t / (a1.kernel() * a2.kernel());
                    int t1 = t / a2.kernel() % a1.kernel();
                    int t2 = t % a2.kernel();
                    int lo = a2.firstValidOutput(t2);
                    int hi = a2.endValidOutput(t2);
                    int seg = yBase;
                    for (int o0 = 0; o0 < a0.out(); o0++) {
                        int i0 = a0.input(o0, t0);
                        for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                            int i1 = a1.input(o1, t1);
                            if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in()) {
                                continue;
                            }
                            int src = xBase + (i0 * a1.in() + i1) * a2.in() + a2.input(0, t2);
                            for (int o2 = lo; o2 < hi; o2++) {
                                y[seg + o2] += wv * x[src + o2 * a2.stride()];
                            }
                        }
                    }
                }
            }
        });
    }

    static void depthwise(ConvKernel.Geometry g, Window w, double[] x, double[] wt, double[] y, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        execution.parallelFor(g.n() * g.m(), (long) g.taps() * g.outSize(), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int oc = plane % g.m();
                int xBase = ((plane / g.m()) * g.c() + oc / g.mg()) * g.inSize();
                int yBase = plane * g.outSize();
                for (int t = 0; t < g.taps(); t++) {
                    double wv = wt[oc * g.taps() + t];
                    int t0 = t / (a1.kernel() * a2.kernel());
                    int t1 = t / a2.kernel() % a1.kernel();
                    int t2 = t % a2.kernel();
                    int lo = a2.firstValidOutput(t2);
                    int hi = a2.endValidOutput(t2);
                    int seg = yBase;
                    for (int o0 = 0; o0 < a0.out(); o0++) {
                        int i0 = a0.input(o0, t0);
                        for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                            int i1 = a1.input(o1, t1);
                            if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in()) {
                                continue;
                            }
                            int src = xBase + (i0 * a1.in() + i1) * a2.in() + a2.input(0, t2);
                            for (int o2 = lo; o2 < hi; o2++) {
                                y[seg + o2] += wv * x[src + o2 * a2.stride()];
                            }
                        }
                    }
                }
            }
        });
    }
}
