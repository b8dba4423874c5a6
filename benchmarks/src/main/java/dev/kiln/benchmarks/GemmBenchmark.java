package dev.kiln.benchmarks;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's float GEMM ({@link Blas#sgemm}) at MiniLM's shapes against raw OpenBLAS on the same data.
 * {@code kiln}: a is a heap array (an activation, copied to native memory each call), b is packed once (a
 * weight, as FusedMatMul packs its initializers), c is a heap array, and the product is split over
 * {@code threads} with single-threaded OpenBLAS per block, as inside a model. {@code openblas}: one
 * {@code cblas_sgemm} on native a, b and c with OpenBLAS's own {@code threads} threads, no copies: the bound
 * Kiln's path can approach. Shapes are m x k x n (c = a[m x k] b[k x n]); 2 m k n floating-point operations
 * per operation. Not thread-safe (one benchmark thread).
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark extends BenchmarkDefaults {
    static final String KILN = "kiln";
    static final String OPENBLAS = "openblas";

    @Param({KILN, OPENBLAS})
    public String impl;

    /** m x k x n: MiniLM 8x128's Q/K/V/output projections, its FFN up projection, and 1x32's FFN up projection. */
    @Param({"1024x384x384", "1024x384x1536", "32x384x1536"})
    public String shape;

    int m;
    int k;
    int n;
    float[] a;
    float[] b;
    float[] c;
    private CpuExecution execution;
    private Blas.Floats packedB;
    private FloatPointer nativeA;
    private FloatPointer nativeB;
    private FloatPointer nativeC;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        if (dims.length != 3) {
            throw new IllegalArgumentException("shape must be m x k x n such as 1024x384x384, got '" + shape + "'");
        }
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        Random random = new Random(m * 31L + k * 7L + n);
        a = randomFloats(random, m * k);
        b = randomFloats(random, k * n);
        c = new float[m * n];
        // touching Blas first runs its static set-up (OpenBLAS to one thread), which the raw variant then overrides
        packedB = Blas.Floats.of(Blas.pack(b, 0, b.length), 0, n);
        switch (impl) {
            case KILN -> {
                openblas.blas_set_num_threads(1);
                execution = new CpuExecution(threads);
            }
            case OPENBLAS -> {
                openblas.blas_set_num_threads(threads);
                nativeA = new FloatPointer(a);
                nativeB = new FloatPointer(b);
                nativeC = new FloatPointer((long) m * n);
            }
            default -> throw new IllegalArgumentException("unknown impl '" + impl + "': expected kiln or openblas");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (execution != null) {
            execution.close();
        }
        // Kiln's backend expects single-threaded OpenBLAS (it splits products over its own threads)
        openblas.blas_set_num_threads(1);
    }

    /** Returns c (a heap array for Kiln, native memory for OpenBLAS), which JMH consumes. */
    @Benchmark
    public Object sgemm() {
        if (execution != null) {
            Blas.sgemm(execution, false, false, m, n, k, 1f, Blas.Floats.of(a, 0, k), packedB, c, 0, n);
            return c;
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, k, 1f,
                nativeA, k, nativeB, n, 0f, nativeC, n);
        return nativeC;
    }

    /** The product as a heap array, whichever impl computed it (for checks). */
    float[] product() {
        if (nativeC == null) {
            return c.clone();
        }
        float[] out = new float[m * n];
        nativeC.position(0).get(out);
        return out;
    }

    private static float[] randomFloats(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
