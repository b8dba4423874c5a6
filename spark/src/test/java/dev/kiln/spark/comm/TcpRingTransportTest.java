package dev.kiln.spark.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring sums exactly what a plain loop sums, for every P and for lengths not divisible by P. */
class TcpRingTransportTest {
    @Test
    void sumsMatchAPlainLoop() throws Exception {
        for (int p = 1; p <= 4; p++) {
            for (int n : new int[] {1, 3, 7, 1000, (1 << 20) / 4 * 3 + 5}) {
                check(p, n);
            }
        }
    }

    private static void check(int p, int n) throws Exception {
        Random random = new Random(31L * p + n);
        float[][] data = new float[p][n];
        double[] expected = new double[n];
        for (int r = 0; r < p; r++) {
            for (int i = 0; i < n; i++) {
                data[r][i] = (float) random.nextGaussian();
                expected[i] += data[r][i];
            }
        }
        List<TcpRingTransport> ranks = ring(p);
        ExecutorService pool = Executors.newFixedThreadPool(p);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                int rank = r;
                done.add(pool.submit(() -> ranks.get(rank).allReduceSum(data[rank])));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            ranks.forEach(TcpRingTransport::close);
        }
        for (int r = 0; r < p; r++) {
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], data[r][i], 1e-5 * p, "P=" + p + " n=" + n + " rank " + r + " [" + i + "]");
                assertEquals(data[0][i], data[r][i], 0, "every rank must hold the same bits");
            }
        }
    }

    @Test
    void aClosedPeerFailsTheOthersInsteadOfHanging() throws Exception {
        List<TcpRingTransport> ranks = ring(3);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> ranks.get(0).allReduceSum(new float[1 << 20]));
            Future<?> b = pool.submit(() -> ranks.get(1).allReduceSum(new float[1 << 20]));
            ranks.get(2).close();
            for (Future<?> f : List.of(a, b)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof UncheckedIOException, String.valueOf(e.getCause()));
            }
        } finally {
            pool.shutdownNow();
            ranks.forEach(TcpRingTransport::close);
        }
    }

    static List<TcpRingTransport> ring(int p) throws Exception {
        List<TcpRingTransport> ranks = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            ranks.add(TcpRingTransport.listen(r, p, "127.0.0.1"));
            addresses.add(ranks.get(r).address());
        }
        ExecutorService pool = Executors.newFixedThreadPool(p);
        try {
            List<Future<?>> f = new ArrayList<>();
            for (TcpRingTransport t : ranks) {
                f.add(pool.submit(() -> t.connect(addresses)));
            }
            for (Future<?> x : f) {
                x.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return ranks;
    }
}
