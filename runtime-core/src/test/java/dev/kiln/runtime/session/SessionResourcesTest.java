package dev.kiln.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuNativeMemory;
import dev.kiln.runtime.testing.SmallModels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What a session holds is given back: native memory on close, and nothing accumulates over many runs. */
class SessionResourcesTest {
    private static final int RUNS = 20_000;

    @Test
    void closingASessionFreesTheNativeMemoryItsKernelsPacked() {
        long baseline = CpuNativeMemory.liveBytes();
        Session s = Session.open(SmallModels.cnnAndMlp(), SessionOptions.builder().threads(1).build());
        long held = CpuNativeMemory.liveBytes() - baseline;
        // at least the two convolutions' weights are prepacked into native memory
        assertTrue(held >= 4L * (8 * 3 * 3 * 3 + 16 * 8 * 3 * 3), "native bytes held while open: " + held);
        s.run(SmallModels.cnnAndMlpInputs(1, 2));
        s.close();
        assertEquals(baseline, CpuNativeMemory.liveBytes(), "native bytes left after close");
        for (int i = 0; i < 20; i++) {
            try (Session again = Session.open(SmallModels.cnnAndMlp(), SessionOptions.builder().threads(1).build())) {
                again.run(SmallModels.cnnAndMlpInputs(i, 1));
            }
        }
        assertEquals(baseline, CpuNativeMemory.liveBytes(), "native bytes left after 20 sessions opened and closed");
    }

    /** 20,000 runs after as many to warm up: resident memory within 10%, live heap within 10% (+1 MiB of noise). */
    @Test
    void twentyThousandRunsKeepResidentMemoryAndTheHeapFlat() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc/self/status on this system");
        try (Session s = Session.open(SmallModels.tinyMlp(), SessionOptions.builder().threads(2).build())) {
            Map<String, Tensor> feeds = Map.of("x", SmallModels.random(new Random(9), 4, 8));
            Tensor expected = (Tensor) s.run(feeds).get("y");
            // resident memory climbs for the first ~15,000 runs (JIT, heap pages first touched) and then stays
            for (int i = 0; i < RUNS; i++) {
                s.run(feeds);
            }
            // read after a full collection, so both figures see the same heap state
            long heapWarm = heapAfterGc();
            long rssWarm = residentKiB();
            long start = System.nanoTime();
            for (int i = 0; i < RUNS; i++) {
                Tensor y = (Tensor) s.run(feeds).get("y");
                if (i % 1000 == 0) {
                    assertTrue(y.contentEquals(expected), "run " + i + " gave another result");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long heapEnd = heapAfterGc();
            long rssEnd = residentKiB();
            System.out.printf("%d runs in %.1f s: resident %d -> %d KiB (%+.1f%%), heap after GC %d -> %d KiB (%+.1f%%)%n", RUNS, seconds,
                    rssWarm, rssEnd, 100.0 * (rssEnd - rssWarm) / rssWarm, heapWarm / 1024, heapEnd / 1024, 100.0 * (heapEnd - heapWarm) / heapWarm);
            assertTrue(rssEnd <= rssWarm * 1.10, "resident memory grew from " + rssWarm + " to " + rssEnd + " KiB");
            assertTrue(heapEnd <= heapWarm * 1.10 + (1 << 20), "heap after GC grew from " + heapWarm + " to " + heapEnd + " bytes");
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process, in KiB. */
    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no VmRSS line in /proc/self/status");
    }
}
