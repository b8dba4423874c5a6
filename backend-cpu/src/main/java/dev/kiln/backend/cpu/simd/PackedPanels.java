package dev.kiln.backend.cpu.simd;

import dev.kiln.backend.cpu.CpuExecution;

/**
 * The right operand of a {@link SimdGemm} product, a k x n matrix, rearranged once into column panels: panel
 * {@code p} holds columns {@code [p * width, (p + 1) * width)}, each of its k rows stored as {@code width}
 * consecutive floats (zero past column n). A micro-kernel then streams a panel with unit-stride vector loads.
 *
 * <p>Pack constant weights once (at kernel compile time) and reuse them for every run; immutable after
 * {@link #pack}, so safe to share between threads. Plain Java: loadable without the Vector API.
 */
public final class PackedPanels {
    /** Operands below this many floats are packed on the calling thread: waking the pool would cost more. */
    private static final long PARALLEL_MIN_FLOATS = 1 << 16;

    private final float[] data;
    private final int k;
    private final int n;
    private final int width;

    private PackedPanels(float[] data, int k, int n, int width) {
        this.data = data;
        this.k = k;
        this.n = n;
        this.width = width;
    }

    /**
     * Packs {@code op(b)}, a k x n matrix read from {@code b} at {@code off} with row stride {@code ld}: b is
     * k x n when {@code trans} is false, n x k (so op(b) = b^T) when it is true. {@code width} is the panel
     * width of the kernel that will use it ({@link SimdGemm#panelWidth()}).
     */
    public static PackedPanels pack(float[] b, int off, int ld, boolean trans, int k, int n, int width) {
        return pack(b, off, ld, trans, k, n, width, null);
    }

    /**
     * As {@link #pack(float[], int, int, boolean, int, int, int)}, into {@code dst} when it holds at least
     * {@link #length} floats (a caller's reusable scratch: the panels are valid until the caller reuses it),
     * else into a new array.
     */
    public static PackedPanels pack(float[] b, int off, int ld, boolean trans, int k, int n, int width, float[] dst) {
        return pack(b, off, ld, trans, k, n, width, dst, null);
    }

    /**
     * As {@link #pack(float[], int, int, boolean, int, int, int, float[])}, the panels spread over {@code execution}'s
     * threads when it is not null and the operand is large (operands packed per call, whose packing would otherwise
     * run on one thread while the product runs on all).
     */
    public static PackedPanels pack(float[] b, int off, int ld, boolean trans, int k, int n, int width, float[] dst,
                                    CpuExecution execution) {
        int length = length(k, n, width);
        int panels = (n + width - 1) / width;
        float[] data = dst != null && dst.length >= length ? dst : new float[length];
        if (execution == null || (long) k * n < PARALLEL_MIN_FLOATS) {
            for (int p = 0; p < panels; p++) {
                packPanel(b, off, ld, trans, k, n, width, data, p);
            }
        } else {
            execution.parallelFor(panels, (long) k * width, (from, to) -> {
                for (int p = from; p < to; p++) {
                    packPanel(b, off, ld, trans, k, n, width, data, p);
                }
            });
        }
        return new PackedPanels(data, k, n, width);
    }

    /** Fills panel {@code p} of {@code data} from op(b). */
    private static void packPanel(float[] b, int off, int ld, boolean trans, int k, int n, int width, float[] data, int p) {
        int col0 = p * width;
        int cols = Math.min(width, n - col0);
        int base = p * k * width;
        if (cols < width) {
            // the last panel's padding must be zero, also in a reused array
            java.util.Arrays.fill(data, base, base + k * width, 0f);
        }
        if (!trans) {
            for (int kk = 0; kk < k; kk++) {
                System.arraycopy(b, off + kk * ld + col0, data, base + kk * width, cols);
            }
        } else {
            // read each row of b (a column of op(b)) contiguously
            for (int j = 0; j < cols; j++) {
                int src = off + (col0 + j) * ld;
                for (int kk = 0; kk < k; kk++) {
                    data[base + kk * width + j] = b[src + kk];
                }
            }
        }
    }

    /** Floats the panels of a k x n operand take at panel width {@code width}. */
    public static int length(int k, int n, int width) {
        if (k < 0 || n < 0 || width <= 0) {
            throw new IllegalArgumentException("bad panel shape: k=" + k + ", n=" + n + ", width=" + width);
        }
        return Math.max(1, ((n + width - 1) / width) * k * width);
    }

    /** Rows of op(b): the product's inner dimension. */
    public int k() {
        return k;
    }

    /** Columns of op(b). */
    public int n() {
        return n;
    }

    /** Columns per panel. */
    public int width() {
        return width;
    }

    /** Number of panels. */
    public int panels() {
        return (n + width - 1) / width;
    }

    /**
     * Zeroed panels for a k x n operand that a kernel fills itself through {@link #data()} and {@link #offset}
     * (im2col writing straight into panel order, say) before handing them to a product.
     */
    public static PackedPanels allocate(int k, int n, int width) {
        return new PackedPanels(new float[length(k, n, width)], k, n, width);
    }

    /** Offset in {@link #data()} of row {@code kk} of panel {@code p}: {@code width} floats, columns p * width on. */
    public int offset(int p, int kk) {
        return (p * k + kk) * width;
    }

    /**
     * The packed floats. Only the filler of {@link #allocate}d panels writes them, before sharing them; columns
     * past n must stay zero.
     */
    public float[] data() {
        return data;
    }

    /** Bytes held, for memory accounting. */
    public long bytes() {
        return 4L * data.length;
    }
}
