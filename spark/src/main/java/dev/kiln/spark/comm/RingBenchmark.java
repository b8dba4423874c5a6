package dev.kiln.spark.comm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times {@link TcpRingTransport#allReduceSum} for P = 1..4 ranks (threads of this JVM over loopback TCP)
 * and payloads of 4, 40 and 400 MB, then fits the alpha-beta model
 * {@code T = 2(P-1) alpha + 2(P-1)/P n beta} (alpha per message, beta per byte) by least squares.
 * Run: {@code java -Xmx8g -cp spark/target/classes dev.kiln.spark.comm.RingBenchmark [maxMB]}.
 */
public final class RingBenchmark {
    private RingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int maxMb = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<double[]> samples = new ArrayList<>();
        System.out.println("| P | payload (MB) | median time (ms) | algorithm bandwidth (MB/s) |");
        System.out.println("|---|---|---|---|");
        for (int mb : new int[] {4, 40, 400}) {
            if (mb > maxMb) {
                continue;
            }
            for (int p = 1; p <= 4; p++) {
                int reps = mb >= 400 ? 3 : 5;
                double ms = median(time(p, mb * (1 << 20) / Float.BYTES, reps));
                System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.0f |%n", p, mb, ms, mb / (ms / 1000));
                if (p > 1) {
                    samples.add(new double[] {2.0 * (p - 1), 2.0 * (p - 1) / p * mb * (1 << 20), ms / 1000});
                }
            }
        }
        // least squares for T = a*x1 + b*x2 without intercept
        double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
        for (double[] s : samples) {
            s11 += s[0] * s[0];
            s12 += s[0] * s[1];
            s22 += s[1] * s[1];
            t1 += s[0] * s[2];
            t2 += s[1] * s[2];
        }
        double det = s11 * s22 - s12 * s12;
        double alpha = (t1 * s22 - t2 * s12) / det;
        double beta = (s11 * t2 - s12 * t1) / det;
        System.out.printf(Locale.ROOT, "alpha = %.1f us per message, beta = %.3f ns per byte (%.2f GB/s per link)%n",
                alpha * 1e6, beta * 1e9, 1 / beta / 1e9);
    }

    /** Wall time in ms of each of {@code reps} all-reduces of {@code floats} values over {@code p} ranks (after one warm-up). */
    static double[] time(int p, int floats, int reps) throws Exception {
        List<TcpRingTransport> ranks = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            TcpRingTransport t = TcpRingTransport.listen(r, p, "127.0.0.1");
            ranks.add(t);
            addresses.add(t.address());
        }
        ExecutorService pool = Executors.newFixedThreadPool(p);
        try {
            List<Future<?>> connected = new ArrayList<>();
            for (TcpRingTransport t : ranks) {
                connected.add(pool.submit(() -> t.connect(addresses)));
            }
            for (Future<?> f : connected) {
                f.get();
            }
            float[][] data = new float[p][floats];
            double[] ms = new double[reps];
            for (int rep = -1; rep < reps; rep++) {
                long start = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int r = 0; r < p; r++) {
                    int rank = r;
                    done.add(pool.submit(() -> ranks.get(rank).allReduceSum(data[rank])));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                if (rep >= 0) {
                    ms[rep] = (System.nanoTime() - start) / 1e6;
                }
            }
            return ms;
        } finally {
            pool.shutdownNow();
            ranks.forEach(TcpRingTransport::close);
        }
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
