package dev.kiln.backend.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimdWarmUpTest {
    @Test
    void warmsEveryKernelAndReportsEach() {
        assumeTrue(Simd.enabled(), "needs the SIMD kernels: " + Simd.disabledReason());
        SimdWarmUp.awaitAll();
        String report = SimdWarmUp.report();
        for (String kernel : new String[] {"gemm", "conv tile", "attention", "layer norm", "softmax", "exp", "gelu"}) {
            assertTrue(report.matches(".*\\b" + kernel + " \\d+ ms.*"), kernel + " missing from: " + report);
        }
        assertTrue(!report.contains("stopped"), report);
    }

    @Test
    void aWarmGemmNoLongerBoxesItsVectors() {
        assumeTrue(Simd.enabled(), "needs the SIMD kernels: " + Simd.disabledReason());
        SimdWarmUp.awaitAll();
        // the warm-up gives up on a kernel after its time limit (a starved compiler thread); only a settled one is checked
        assumeTrue(!SimdWarmUp.report().matches(".*gemm \\d+ ms \\(not settled\\).*"), SimdWarmUp.report());
        int m = 16;
        int k = 384;
        int n = 96;
        Random r = new Random(3);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        PackedPanels p = PackedPanels.pack(b, 0, n, false, k, n, SimdGemm.panelWidth());
        float[] c = new float[m * n];
        SimdGemm.multiply(null, a, 0, k, m, p, c, 0, n, null);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        SimdGemm.multiply(null, a, 0, k, m, p, c, 0, n, null);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // boxed, this product makes 4 tiles x 384 steps x ~35 vectors of ~96 bytes: about 5 MB
        assertTrue(allocated < 256 * 1024, "a warm 16 x 384 x 96 product allocated " + allocated + " bytes; " + SimdWarmUp.report());
        float expect = 0;
        for (int t = 0; t < k; t++) {
            expect += a[5 * k + t] * b[t * n + 17];
        }
        assertEquals(expect, c[5 * n + 17], 1e-4f);
    }
}
