package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuBackend;
import dev.kiln.backend.cpu.CpuKernelRegistry;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Per-layer timing of ResNet-18's convolution shapes (batch 1, weights constant as in a session), the Conv
 * kernel as built now against the same kernel kept on im2col + GEMM ({@link ConvKernel#WINOGRAD_PROPERTY}),
 * alternating in one JVM; prints the median of each. By default the backend has one thread and the figure is
 * that thread's CPU time, which other processes on a shared machine disturb far less than wall time
 * ({@code -Dkiln.convTiming.threads=2}: two threads, wall time). Runs only on request:
 * {@code ./mvnw -o -q -pl backend-cpu -am test -Dtest=ConvLayerTiming -Dkiln.convTiming=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
@EnabledIfSystemProperty(named = "kiln.convTiming", matches = "true")
class ConvLayerTiming {
    private static final int OPSET = 22;
    private static final int RUNS = 15;
    /** Backend threads: {@code -Dkiln.convTiming.threads=N}, default 1; with more than one, wall time is measured. */
    private static final int THREADS = Integer.getInteger("kiln.convTiming.threads", 1);
    private static final CpuBackend BACKEND = new CpuBackend(new BackendContext(THREADS, Map.of()), CpuKernelRegistry.defaultRegistry());
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** c, m, input size, kernel, stride, pad: every distinct Conv of ResNet-18 (count in the comment). */
    private static final int[][] LAYERS = {
        {3, 64, 224, 7, 2, 3},     // 1 stem
        {64, 64, 56, 3, 1, 1},     // 4 stage 1
        {64, 128, 56, 3, 2, 1},    // 1
        {64, 128, 56, 1, 2, 0},    // 1 shortcut
        {128, 128, 28, 3, 1, 1},   // 3 stage 2
        {128, 256, 28, 3, 2, 1},   // 1
        {128, 256, 28, 1, 2, 0},   // 1 shortcut
        {256, 256, 14, 3, 1, 1},   // 3 stage 3
        {256, 512, 14, 3, 2, 1},   // 1
        {256, 512, 14, 1, 2, 0},   // 1 shortcut
        {512, 512, 7, 3, 1, 1},    // 3 stage 4
    };

    @Test
    void timeLayers() {
        // the first pass lets the JIT compile both paths (slow on a loaded machine); the second is printed
        for (int pass = 0; pass < 2; pass++) {
            for (int[] l : LAYERS) {
                timeLayer(l, pass == 1);
            }
        }
    }

    private static void timeLayer(int[] l, boolean print) {
        {
            int c = l[0];
            int m = l[1];
            int size = l[2];
            int k = l[3];
            Node node = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("strides", l[4], l[4])
                    .attr("pads", l[5], l[5], l[5], l[5]).build();
            Tensor x = NnOrtComparisonTest.random(1, c, size, size);
            Tensor w = NnOrtComparisonTest.random(m, c, k, k);
            Tensor b = NnOrtComparisonTest.random(m);
            List<Tensor> inputs = List.of(x, w, b);
            Kernel now = BACKEND.compile(new KernelRequest(node, OPSET, null, null, Map.of(1, w)));
            System.setProperty(ConvKernel.WINOGRAD_PROPERTY, "false");
            Kernel before;
            try {
                before = BACKEND.compile(new KernelRequest(node, OPSET, null, null, Map.of(1, w)));
            } finally {
                System.clearProperty(ConvKernel.WINOGRAD_PROPERTY);
            }
            long[] a = new long[RUNS];
            long[] n = new long[RUNS];
            for (int r = -3; r < RUNS; r++) {
                long t0 = now();
                KernelHarness.execute(before, node, OPSET, inputs);
                long t1 = now();
                KernelHarness.execute(now, node, OPSET, inputs);
                long t2 = now();
                if (r >= 0) {
                    a[r] = t1 - t0;
                    n[r] = t2 - t1;
                }
            }
            double before1 = median(a);
            double now1 = median(n);
            if (print) {
                System.out.printf("conv %3d->%3d %3dx%-3d k%d s%d: im2col %7.2f ms, now %7.2f ms, ratio %.2f%n", c, m, size, size, k, l[4],
                    before1, now1, now1 / before1);
            }
        }
    }

    private static long now() {
        return THREADS == 1 ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
