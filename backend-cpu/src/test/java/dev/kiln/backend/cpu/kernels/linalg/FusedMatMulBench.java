package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.RandomTensors;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: one MiniLM encoder layer's six FusedMatMul nodes (Q, K, V and output projections with a bias, the
 * feed-forward pair with bias and GELU, then bias) as compiled kernels with a constant weight, the SIMD GEMM
 * path against the OpenBLAS path, alternating in one JVM. Prints the median milliseconds of each per layer and
 * per node shape. Arguments: batch x sequence rows (default 1024 = 8x128), threads (default 2; with 1 it times
 * this thread's CPU time, which other processes' load does not inflate), rounds (default 15). Run with
 * {@code --add-modules jdk.incubator.vector}; see docs/performance.md.
 */
public final class FusedMatMulBench {
    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        System.out.println("simd " + Simd.describe() + ", rows " + rows + ", threads " + threads);
        Random random = new Random(3);
        // {n, k, gelu}: per layer Q, K, V, output projection, FFN up (GELU), FFN down
        int[][] nodes = {{384, 384, 0}, {384, 384, 0}, {384, 384, 0}, {384, 384, 0}, {1536, 384, 1}, {384, 1536, 0}};
        try (CpuExecution ex = new CpuExecution(threads)) {
            Kernel[][] kernels = new Kernel[2][nodes.length];
            Node[] graphNodes = new Node[nodes.length];
            List<List<Tensor>> inputs = new java.util.ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                int n = nodes[i][0];
                int k = nodes[i][1];
                Node node = Node.builder("FusedMatMul").domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "w", "b").output("y")
                        .attr("activation", nodes[i][2] == 1 ? "Gelu" : "").build();
                Tensor w = RandomTensors.uniform(random, -0.1f, 0.1f, k, n);
                KernelRequest request = new KernelRequest(node, 20, null, null, Map.of(1, w));
                graphNodes[i] = node;
                kernels[0][i] = new FusedMatMulKernel(request, ex, true);
                kernels[1][i] = new FusedMatMulKernel(request, ex, false);
                inputs.add(List.of(RandomTensors.uniform(random, -1f, 1f, rows, k), w, RandomTensors.uniform(random, -1f, 1f, n)));
            }
            double[][][] t = new double[2][nodes.length][rounds];
            for (int round = -5; round < rounds; round++) {
                for (int path = 0; path < 2; path++) {
                    for (int i = 0; i < nodes.length; i++) {
                        long t0 = now(threads);
                        KernelHarness.executeOne(kernels[path][i], graphNodes[i], 20, inputs.get(i));
                        if (round >= 0) {
                            t[path][i][round] = (now(threads) - t0) / 1e6;
                        }
                    }
                }
            }
            double[] layer = new double[2];
            for (int i = 0; i < nodes.length; i++) {
                double simd = median(t[0][i]);
                double blas = median(t[1][i]);
                layer[0] += simd;
                layer[1] += blas;
                System.out.println(String.format(Locale.ROOT, "node %d %4dx%-4dx%-4d%s simd %7.3f ms  blas %7.3f ms  blas/simd %.2f",
                        i, rows, nodes[i][0], nodes[i][1], nodes[i][2] == 1 ? " gelu" : "     ", simd, blas, blas / simd));
            }
            System.out.println(String.format(Locale.ROOT, "layer (sum of medians) simd %.3f ms  blas %.3f ms  blas/simd %.2f",
                    layer[0], layer[1], layer[1] / layer[0]));
        }
    }

    /** With one thread everything runs on this one, so its CPU time is immune to other processes' load. */
    private static long now(int threads) {
        return threads == 1 ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
