package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.CpuNativeMemory;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Row-major GEMM on Java heap arrays through OpenBLAS, for every GEMM-shaped kernel of the CPU backend:
 * {@code c = alpha * op(a) * op(b)}, where op(a) is m x k, op(b) is k x n and the previous contents of c
 * are ignored. Products with one row or one column go to GEMV, which does not repack the matrix.
 *
 * <p>Operands are copied into per-thread native buffers and the product is copied back: the JNI array
 * overloads of bytedeco copy whole arrays in and out and take no offsets, which would make a GEMM into one
 * slice of a large output slow and unsafe while other threads write other slices. Operands prepared once
 * with {@link #pack} skip their copy.
 *
 * <p>Threading: OpenBLAS runs single-threaded; large products are split into row or column blocks over
 * the backend's {@link CpuExecution}, so BLAS work shares the backend's threads with every other kernel
 * instead of adding a second pool. Concurrent single-threaded OpenBLAS calls scale; its own threading
 * called from several threads does not. Safe to call from several threads.
 */
public final class Blas {
    private static final int ROW_MAJOR = openblas.CblasRowMajor;
    private static final int NO_TRANS = openblas.CblasNoTrans;
    private static final int TRANS = openblas.CblasTrans;
    /** Multiply-adds below which waking other threads costs more than it saves. */
    private static final long SPLIT_MIN = 1L << 18;
    /** Narrowest row or column block worth giving a thread. */
    private static final int MIN_BLOCK = 16;
    /** Floats of output copied out before an epilogue runs over them: well inside a core's L2. */
    private static final int EPILOGUE_CHUNK = 1 << 14;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static {
        openblas.blas_set_num_threads(1);
    }

    private Blas() {
    }

    /** Float product; see the class comment. {@code execution} may be null to stay on the calling thread. */
    public static void sgemm(CpuExecution execution, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             Floats a, Floats b, float[] c, int cOff, int ldc) {
        sgemm(execution, transA, transB, m, n, k, alpha, a, b, c, cOff, ldc, null);
    }

    /**
     * Float product followed by {@code epilogue} on every finished piece of c, called by the thread that
     * computed the piece right after copying it out of native memory (while it is in cache), so a bias or
     * activation costs no extra pass over the output. {@code epilogue} may be null.
     */
    public static void sgemm(CpuExecution execution, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             Floats a, Floats b, float[] c, int cOff, int ldc, Epilogue epilogue) {
        split(execution, m, n, k, (r0, rows, c0, cols) -> sgemmBlock(transA, transB, rows, cols, k, alpha,
                a.shift(transA ? r0 : r0 * a.ld()), b.shift(transB ? c0 * b.ld() : c0), c, cOff + r0 * ldc + c0, ldc,
                epilogue == null ? null : new Epilogue.At(epilogue, r0, c0)));
    }

    /** Work on a finished piece of a product's output: safe to call from several threads on disjoint pieces. */
    @FunctionalInterface
    public interface Epilogue {
        /**
         * Applies to {@code c[off + j]} for j in {@code [0, cols)}: row {@code row} of the product, its
         * columns {@code [col0, col0 + cols)}.
         */
        void apply(float[] c, int off, int row, int col0, int cols);

        /**
         * {@code c[off + j] += bias[col0 + j]}, then {@code then} (may be null). A product that can add the bias as
         * it stores its output ({@link dev.kiln.backend.cpu.simd.SimdGemm}) does that instead and runs only
         * {@code then}: the same float sum without a pass over the output.
         */
        record Bias(float[] bias, Epilogue then) implements Epilogue {
            @Override
            public void apply(float[] c, int off, int row, int col0, int cols) {
                for (int j = 0; j < cols; j++) {
                    c[off + j] += bias[col0 + j];
                }
                if (then != null) {
                    then.apply(c, off, row, col0, cols);
                }
            }
        }

        /** This epilogue seen from a block that starts at (row0, col0) of the whole product. */
        record At(Epilogue whole, int row0, int col0) {
            void apply(float[] c, int off, int row, int cols) {
                whole.apply(c, off, row0 + row, col0, cols);
            }
        }
    }

    /** Double product of heap matrices given by array, offset and row stride; see {@link #sgemm}. */
    public static void dgemm(CpuExecution execution, boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        split(execution, m, n, k, (r0, rows, c0, cols) -> dgemmBlock(transA, transB, rows, cols, k, alpha,
                a, aOff + (transA ? r0 : r0 * lda), lda, b, bOff + (transB ? c0 * ldb : c0), ldb, c, cOff + r0 * ldc + c0, ldc));
    }

    /**
     * Copies {@code length} floats from {@code src[offset..]} into native memory for repeated use as an operand.
     * Packed while a kernel compiles, the memory belongs to the backend and is freed when it closes.
     */
    public static NativeFloats pack(float[] src, int offset, int length) {
        FloatPointer p = CpuNativeMemory.track(new FloatPointer(Math.max(1, length)));
        p.put(src, offset, length);
        return new NativeFloats(p, length);
    }

    /**
     * This thread's native working matrix of at least {@code length} floats, for a kernel to build an
     * operand in place (im2col) through {@link NativeFloats#buffer()} instead of copying it over. Valid until
     * the same thread asks again; contents are stale.
     */
    public static NativeFloats scratch(int length) {
        Scratch s = SCRATCH.get();
        if (s.operand == null || s.operand.length < length) {
            s.operand = new NativeFloats(new FloatPointer(Math.max(1, length)), length);
        }
        return s.operand;
    }

    @FunctionalInterface
    private interface Block {
        void run(int rowStart, int rows, int colStart, int cols);
    }

    /** Runs the whole product as one block, or splits the longer of m and n into one block per thread. */
    private static void split(CpuExecution execution, int m, int n, int k, Block block) {
        if (m == 0 || n == 0) {
            return;
        }
        int threads = execution == null ? 1 : execution.threads();
        long work = (long) m * n * Math.max(1, k);
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        int parts = Math.min(threads, extent / MIN_BLOCK);
        if (parts < 2 || work < SPLIT_MIN) {
            block.run(0, m, 0, n);
            return;
        }
        execution.parallelFor(parts, work / parts, (start, end) -> {
            for (int p = start; p < end; p++) {
                int from = (int) ((long) extent * p / parts);
                int to = (int) ((long) extent * (p + 1) / parts);
                if (byRows) {
                    block.run(from, to - from, 0, n);
                } else {
                    block.run(0, m, from, to - from);
                }
            }
        });
    }

    private static void sgemmBlock(boolean transA, boolean transB, int m, int n, int k, float alpha, Floats a, Floats b,
                                   float[] c, int cOff, int ldc, Epilogue.At epilogue) {
        if (k == 0) {
            clear(c, cOff, m, n, ldc);
            if (epilogue != null) {
                for (int i = 0; i < m; i++) {
                    epilogue.apply(c, cOff + i * ldc, i, n);
                }
            }
            return;
        }
        Scratch s = SCRATCH.get();
        FloatPointer pa = a.pointer(s.a, storedLength(transA, m, k, a.ld()));
        FloatPointer pb = b.pointer(s.b, storedLength(transB, k, n, b.ld()));
        FloatPointer pc = s.c.ensure((long) m * n).position(0);
        if (m == 1) {
            // c (1 x n) = op(b)^T a: GEMV over the stored b
            openblas.cblas_sgemv(ROW_MAJOR, transB ? NO_TRANS : TRANS, transB ? n : k, transB ? k : n, alpha, pb, b.ld(),
                    pa, transA ? a.ld() : 1, 0f, pc, 1);
        } else if (n == 1) {
            openblas.cblas_sgemv(ROW_MAJOR, transA ? TRANS : NO_TRANS, transA ? k : m, transA ? m : k, alpha, pa, a.ld(),
                    pb, transB ? 1 : b.ld(), 0f, pc, 1);
        } else {
            openblas.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    pa, a.ld(), pb, b.ld(), 0f, pc, n);
        }
        if (epilogue != null) {
            // copy out a few rows at a time and finish them while they are still in cache
            int chunk = Math.max(1, EPILOGUE_CHUNK / Math.max(1, n));
            for (int i0 = 0; i0 < m; i0 += chunk) {
                int i1 = Math.min(m, i0 + chunk);
                copyOut(pc, i0, i1, n, c, cOff, ldc);
                for (int i = i0; i < i1; i++) {
                    epilogue.apply(c, cOff + i * ldc, i, n);
                }
            }
        } else {
            copyOut(pc, 0, m, n, c, cOff, ldc);
        }
    }

    /** Copies rows [from, to) of a dense m x n native product into c. */
    private static void copyOut(FloatPointer pc, int from, int to, int n, float[] c, int cOff, int ldc) {
        if (ldc == n) {
            pc.position((long) from * n).get(c, cOff + from * n, (to - from) * n);
        } else {
            for (int i = from; i < to; i++) {
                pc.position((long) i * n).get(c, cOff + i * ldc, n);
            }
        }
    }

    private static void dgemmBlock(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
                                   int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0);
            }
            return;
        }
        Scratch s = SCRATCH.get();
        DoublePointer pa = s.da.stage(a, aOff, storedLength(transA, m, k, lda));
        DoublePointer pb = s.db.stage(b, bOff, storedLength(transB, k, n, ldb));
        DoublePointer pc = s.dc.ensure((long) m * n).position(0);
        if (m == 1) {
            openblas.cblas_dgemv(ROW_MAJOR, transB ? NO_TRANS : TRANS, transB ? n : k, transB ? k : n, alpha, pb, ldb,
                    pa, transA ? lda : 1, 0, pc, 1);
        } else if (n == 1) {
            openblas.cblas_dgemv(ROW_MAJOR, transA ? TRANS : NO_TRANS, transA ? k : m, transA ? m : k, alpha, pa, lda,
                    pb, transB ? 1 : ldb, 0, pc, 1);
        } else {
            openblas.cblas_dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    pa, lda, pb, ldb, 0, pc, n);
        }
        if (ldc == n) {
            pc.position(0).get(c, cOff, m * n);
        } else {
            for (int i = 0; i < m; i++) {
                pc.position((long) i * n).get(c, cOff + i * ldc, n);
            }
        }
    }

    private static void clear(float[] c, int cOff, int m, int n, int ldc) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
    }

    /** Elements a stored row-major matrix spans: rows of the stored (not transposed) form times the stride. */
    private static int storedLength(boolean trans, int rows, int cols, int ld) {
        int storedRows = trans ? cols : rows;
        int storedCols = trans ? rows : cols;
        return storedRows == 0 ? 0 : (storedRows - 1) * ld + storedCols;
    }

    /**
     * A row-major float operand: a heap array or packed native memory, from an element offset, with the
     * stride between its stored rows. Immutable.
     */
    public record Floats(float[] heap, NativeFloats packed, int offset, int ld) {
        public static Floats of(float[] array, int offset, int ld) {
            return new Floats(array, null, offset, Math.max(1, ld));
        }

        public static Floats of(NativeFloats packed, int offset, int ld) {
            return new Floats(null, packed, offset, Math.max(1, ld));
        }

        Floats shift(int delta) {
            return delta == 0 ? this : new Floats(heap, packed, offset + delta, ld);
        }

        FloatPointer pointer(GrowingFloats staging, int length) {
            if (packed != null) {
                return new FloatPointer(packed.pointer).position(offset);
            }
            FloatPointer dst = staging.ensure(length);
            dst.position(0).put(heap, offset, length);
            return dst.position(0);
        }
    }

    /**
     * Floats in native memory: weights prepacked by {@link #pack} (immutable afterwards) or a thread's
     * {@link #scratch}. Packed weights are freed when their backend closes ({@link CpuNativeMemory}); the
     * rest when unreachable.
     */
    public static final class NativeFloats {
        private final FloatPointer pointer;
        private final int length;
        private java.nio.FloatBuffer buffer;

        private NativeFloats(FloatPointer pointer, int length) {
            this.pointer = pointer;
            this.length = length;
        }

        public int length() {
            return length;
        }

        /** A direct buffer over the memory, for writing with absolute puts (safe from several threads on disjoint indices). */
        public java.nio.FloatBuffer buffer() {
            if (buffer == null) {
                buffer = pointer.asBuffer();
            }
            return buffer;
        }
    }

    private static final class Scratch {
        final GrowingFloats a = new GrowingFloats();
        final GrowingFloats b = new GrowingFloats();
        final GrowingFloats c = new GrowingFloats();
        final GrowingDoubles da = new GrowingDoubles();
        final GrowingDoubles db = new GrowingDoubles();
        final GrowingDoubles dc = new GrowingDoubles();
        NativeFloats operand;
    }

    private static final class GrowingFloats {
        private FloatPointer p;
        private long capacity;

        FloatPointer ensure(long n) {
            if (p == null || capacity < n) {
                if (p != null) {
                    p.close();
                }
                capacity = Math.max(n, capacity + capacity / 2);
                p = new FloatPointer(Math.max(1, capacity));
            }
            return p;
        }
    }

    private static final class GrowingDoubles {
        private DoublePointer p;
        private long capacity;

        DoublePointer ensure(long n) {
            if (p == null || capacity < n) {
                if (p != null) {
                    p.close();
                }
                capacity = Math.max(n, capacity + capacity / 2);
                p = new DoublePointer(Math.max(1, capacity));
            }
            return p;
        }

        DoublePointer stage(double[] src, int offset, int length) {
            DoublePointer dst = ensure(length);
            dst.position(0).put(src, offset, length);
            return dst.position(0);
        }
    }
}
