package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * im2col and col2im over a {@link Window}: row {@code ch * taps + t} of the column matrix holds tap t
 * (row-major over the kernel) of channel ch at every output position. The innermost axis is copied as a
 * run (a bulk copy at unit stride) with the padded ends zero-filled, so no per-element bounds test
 * remains. The float matrix is built directly in native memory for OpenBLAS. Rows (or channels, for col2im) are split over threads.
 */
final class Im2Col {
    private Im2Col() {
    }

    /**
     * Fills {@code col} (channels * taps rows of w.outSize()), native memory the GEMM reads directly, from
     * the channels of x starting at {@code xOff}.
     */
    static void gather(float[] x, int xOff, int channels, Window w, FloatBuffer col, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        int taps = w.kernelSize();
        int inSize = w.inSize();
        int outSize = w.outSize();
        float[] zeros = new float[a2.out()];
        execution.parallelFor(channels * taps, outSize, (start, end) -> {
            float[] run = a2.stride() == 1 ? null : new float[a2.out()];
            for (int r = start; r < end; r++) {
                int t = r % taps;
                int t0 = t / (a1.kernel() * a2.kernel());
                int t1 = t / a2.kernel() % a1.kernel();
                int t2 = t % a2.kernel();
                int lo = a2.firstValidOutput(t2);
                int hi = a2.endValidOutput(t2);
                int base = xOff + (r / taps) * inSize + a2.input(0, t2);
                int seg = r * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    int i0 = a0.input(o0, t0);
                    for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                        int i1 = a1.input(o1, t1);
                        if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in() || lo >= hi) {
                            col.put(seg, zeros, 0, a2.out());
                            continue;
                        }
                        col.put(seg, zeros, 0, lo);
                        col.put(seg + hi, zeros, 0, a2.out() - hi);
                        int src = base + (i0 * a1.in() + i1) * a2.in();
                        if (run == null) {
                            col.put(seg + lo, x, src + lo, hi - lo);
                        } else {
                            // strided reads gather on the heap first: one bulk put beats a put per element
                            for (int o2 = lo; o2 < hi; o2++) {
                                run[o2] = x[src + o2 * a2.stride()];
                            }
                            col.put(seg + lo, run, lo, hi - lo);
                        }
                    }
                }
            }
        });
    }

    static void gather(double[] x, int xOff, int channels, Window w, double[] col, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        int taps = w.kernelSize();
        int inSize = w.inSize();
        int outSize = w.outSize();
        execution.parallelFor(channels * taps, outSize, (start, end) -> {
            for (int r = start; r < end; r++) {
                int t = r % taps;
                int t0 = t / (a1.kernel() * a2.kernel());
                int t1 = t / a2.kernel() % a1.kernel();
                int t2 = t % a2.kernel();
                int lo = a2.firstValidOutput(t2);
                int hi = a2.endValidOutput(t2);
                int base = xOff + (r / taps) * inSize + a2.input(0, t2);
                int seg = r * outSize;
                for (int o0 = 0; o0 < a0.out(); o0++) {
                    int i0 = a0.input(o0, t0);
                    for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                        int i1 = a1.input(o1, t1);
                        if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in() || lo >= hi) {
                            Arrays.fill(col, seg, seg + a2.out(), 0d);
                            continue;
                        }
                        Arrays.fill(col, seg, seg + lo, 0d);
                        Arrays.fill(col, seg + hi, seg + a2.out(), 0d);
                        int src = base + (i0 * a1.in() + i1) * a2.in();
                        if (a2.stride() == 1) {
                            System.arraycopy(x, src + lo, col, seg + lo, hi - lo);
                        } else {
                            for (int o2 = lo; o2 < hi; o2++) {
                                col[seg + o2] = x[src + o2 * a2.stride()];
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * Adds each column-matrix entry into the image element its tap reads in {@link #gather}: col2im, the
     * adjoint of gather. The image has {@code w.inSize()} elements per channel and starts at {@code yOff};
     * col rows are {@code w.outSize()} wide.
     */
    static void scatterAdd(float[] col, int channels, Window w, float[] y, int yOff, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        int taps = w.kernelSize();
        int imageSize = w.inSize();
        int colWidth = w.outSize();
        execution.parallelFor(channels, (long) taps * colWidth, (start, end) -> {
            for (int ch = start; ch < end; ch++) {
                for (int t = 0; t < taps; t++) {
                    int t0 = t / (a1.kernel() * a2.kernel());
                    int t1 = t / a2.kernel() % a1.kernel();
                    int t2 = t % a2.kernel();
                    int lo = a2.firstValidOutput(t2);
                    int hi = a2.endValidOutput(t2);
                    int base = yOff + ch * imageSize + a2.input(0, t2);
                    int seg = (ch * taps + t) * colWidth;
                    for (int o0 = 0; o0 < a0.out(); o0++) {
                        int i0 = a0.input(o0, t0);
                        for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                            int i1 = a1.input(o1, t1);
                            if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in()) {
                                continue;
                            }
                            int dst = base + (i0 * a1.in() + i1) * a2.in();
                            for (int o2 = lo; o2 < hi; o2++) {
                                y[dst + o2 * a2.stride()] += col[seg + o2];
                            }
                        }
                    }
                }
            }
        });
    }

    static void scatterAdd(double[] col, int channels, Window w, double[] y, int yOff, CpuExecution execution) {
        Window.Axis a0 = w.axis3(0);
        Window.Axis a1 = w.axis3(1);
        Window.Axis a2 = w.axis3(2);
        int taps = w.kernelSize();
        int imageSize = w.inSize();
        int colWidth = w.outSize();
        execution.parallelFor(channels, (long) taps * colWidth, (start, end) -> {
            for (int ch = start; ch < end; ch++) {
                for (int t = 0; t < taps; t++) {
                    int t0 = t / (a1.kernel() * a2.kernel());
                    int t1 = t / a2.kernel() % a1.kernel();
                    int t2 = t % a2.kernel();
                    int lo = a2.firstValidOutput(t2);
                    int hi = a2.endValidOutput(t2);
                    int base = yOff + ch * imageSize + a2.input(0, t2);
                    int seg = (ch * taps + t) * colWidth;
                    for (int o0 = 0; o0 < a0.out(); o0++) {
                        int i0 = a0.input(o0, t0);
                        for (int o1 = 0; o1 < a1.out(); o1++, seg += a2.out()) {
                            int i1 = a1.input(o1, t1);
                            if (i0 < 0 || i0 >= a0.in() || i1 < 0 || i1 >= a1.in()) {
                                continue;
                            }
                            int dst = base + (i0 * a1.in() + i1) * a2.in();
                            for (int o2 = lo; o2 < hi; o2++) {
                                y[dst + o2 * a2.stride()] += col[seg + o2];
                            }
                        }
                    }
                }
            }
        });
    }
}
