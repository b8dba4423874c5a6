package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.ConstantInputRuns;
import dev.kiln.backend.cpu.simd.Simd;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Not a test: ResNet-18's Conv shapes through the Conv kernel as built (SIMD: {@link SimdTapConv} or {@link SimdConv}, as
 * it picks; constant W), through each of those two called directly, and on the OpenBLAS path, alternating in one JVM;
 * prints medians in ms.
 * Arguments: threads (default 2). Run with {@code --add-modules jdk.incubator.vector}; see docs/performance.md.
 */
public final class ConvSimdBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        // C, H(=W), M, kernel, stride: the stem, each stage's 3x3 convs, the stride-2 entries and 1x1 shortcuts
        int[][] shapes = {{3, 224, 64, 7, 2}, {64, 56, 64, 3, 1}, {64, 56, 128, 3, 2}, {64, 56, 128, 1, 2}, {128, 28, 128, 3, 1},
            {128, 28, 256, 3, 2}, {128, 28, 256, 1, 2}, {256, 14, 256, 3, 1}, {256, 14, 512, 3, 2}, {256, 14, 512, 1, 2},
            {512, 7, 512, 3, 1}};
        SplittableRandom random = new SplittableRandom(1);
        cpuTime = threads == 1;
        System.out.println("simd " + Simd.describe() + ", threads " + threads + (cpuTime ? ", thread CPU time" : ", wall time"));
        try (CpuExecution ex = new CpuExecution(threads)) {
            for (int[] s : shapes) {
                int c = s[0];
                int h = s[1];
                int m = s[2];
                int k = s[3];
                int stride = s[4];
                int pad = k / 2;
                Node node = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("strides", stride, stride)
                        .attr("pads", pad, pad, pad, pad).build();
                Tensor x = Tensor.of(fill(random, c * h * h), 1, c, h, h);
                Tensor w = Tensor.of(fill(random, m * c * k * k), m, c, k, k);
                Map<Integer, Tensor> constants = Map.of(1, w);
                ConstantInputRuns simd = new ConstantInputRuns(node, new ConvKernel(new KernelRequest(node, 22, null, null, constants), ex, true));
                ConstantInputRuns plain = new ConstantInputRuns(node, new ConvKernel(new KernelRequest(node, 22, null, null, constants), ex, false));
                Window win = WindowAttributes.of(node, 22).resolve(new int[] {h, h}, new int[] {k, k});
                ConvKernel.Geometry g = new ConvKernel.Geometry(1, c, m, 1, win.inSize(), win.outSize(), win.kernelSize());
                String path = SimdTapConv.applies(win) ? "taps" : "im2panels";
                float[] y = new float[m * win.outSize()];
                int reps = Math.max(2, (int) (2e8 / (2.0 * m * c * k * k * win.outSize())));
                int rounds = 11;
                double[][] t = new double[4][rounds];
                for (int round = -10; round < rounds; round++) {
                    long t0 = now();
                    for (int r = 0; r < reps; r++) {
                        simd.run(x, w);
                    }
                    long t1 = now();
                    for (int r = 0; r < reps; r++) {
                        plain.run(x, w);
                    }
                    long t2 = now();
                    for (int r = 0; r < reps; r++) {
                        SimdConv.convolve(g, win, x.floatData(), w.floatData(), y, ConvEpilogue.NONE, ex);
                    }
                    long t3 = now();
                    for (int r = 0; r < reps && SimdTapConv.applies(win); r++) {
                        SimdTapConv.convolve(g, win, x.floatData(), w.floatData(), y, ConvEpilogue.NONE, ex);
                    }
                    long t4 = now();
                    if (round >= 0) {
                        t[3][round] = (t4 - t3) / 1e6 / reps;
                        t[0][round] = (t1 - t0) / 1e6 / reps;
                        t[1][round] = (t2 - t1) / 1e6 / reps;
                        t[2][round] = (t3 - t2) / 1e6 / reps;
                    }
                }
                for (double[] row : t) {
                    Arrays.sort(row);
                }
                double flop = 2.0 * m * c * k * k * win.outSize();
                double kernel = t[0][rounds / 2];
                System.out.println(String.format(Locale.ROOT,
                        "C%4d %3dx%-3d M%4d k%d s%d  kernel %7.3f ms (%5.1f GF/s, %-9s)  taps %7.3f  im2panels %7.3f  blas path %7.3f ms",
                        c, h, h, m, k, stride, kernel, flop / kernel / 1e6, path, t[3][rounds / 2], t[2][rounds / 2],
                        t[1][rounds / 2]));
            }
        }
    }

    /** Thread CPU time with one thread (steady on a loaded machine: the work all runs on this thread), else wall time. */
    private static long now() {
        return cpuTime ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static boolean cpuTime;

    private static float[] fill(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
