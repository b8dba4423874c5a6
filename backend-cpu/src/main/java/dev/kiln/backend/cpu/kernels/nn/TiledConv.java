package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.Blas;

/**
 * Float Conv over tiles of output positions: each task gathers the im2col columns of one tile of one image and
 * group into its thread's native scratch (sized to stay in the core's cache) and multiplies the weights by it on
 * that thread, writing the tile's columns of Y. Unlike one im2col of the whole image followed by one GEMM, the
 * column matrix never travels through main memory, and threads work on separate tiles without meeting. Used for
 * images with many output positions; small ones (late network stages) split one whole-image GEMM by rows instead.
 */
final class TiledConv {
    /** Bytes of column tile a task builds: a share of a core's L2 that leaves room for the GEMM's panels. */
    private static final int TILE_BYTES = 384 * 1024;
    private static final int MIN_TILE = 96;
    private static final int MAX_TILE = 1024;
    private static final int MAX_TILED_WEIGHTS = 16 * 1024;

    private TiledConv() {
    }

    /**
     * True when {@code g} has enough output positions per image for tiles to pay, and weights small enough that
     * OpenBLAS packing them again for every tile costs little (a network's first layers).
     */
    static boolean suits(ConvKernel.Geometry g) {
        return g.outSize() >= 4 * MIN_TILE && (long) g.mg() * g.cg() * g.taps() <= MAX_TILED_WEIGHTS;
    }

    /** Y (N x M x positions) = W * im2col(X), per image and group, over tiles of output positions. */
    static void convolve(ConvKernel.Geometry g, Window win, float[] x, float[] w, Blas.NativeFloats packedW, float[] y,
                         CpuExecution execution) {
        int rows = g.cg() * g.taps();
        int tile = tileWidth(rows, g.outSize(), execution.threads());
        int tiles = (g.outSize() + tile - 1) / tile;
        int tasks = g.n() * g.group() * tiles;
        execution.parallelFor(tasks, (long) g.mg() * rows * tile, (start, end) -> {
            Blas.NativeFloats col = Blas.scratch(rows * tile);
            float[] row = new float[tile];
            for (int task = start; task < end; task++) {
                int t = task % tiles;
                int grp = task / tiles % g.group();
                int img = task / tiles / g.group();
                int p0 = t * tile;
                int width = Math.min(tile, g.outSize() - p0);
                int xOff = (img * g.c() + grp * g.cg()) * g.inSize();
                int yOff = (img * g.m() + grp * g.mg()) * g.outSize() + p0;
                Im2Col.gatherTile(x, xOff, g.cg(), win, p0, p0 + width, col.buffer(), row);
                int wOff = grp * g.mg() * rows;
                Blas.Floats weights = packedW != null ? Blas.Floats.of(packedW, wOff, rows) : Blas.Floats.of(w, wOff, rows);
                Blas.sgemm(null, false, false, g.mg(), width, rows, 1f, weights, Blas.Floats.of(col, 0, width), y, yOff, g.outSize());
            }
        });
    }

    /**
     * Columns of output positions per tile: about what fits the tile budget, with the number of tiles a multiple
     * of the thread count so that every thread gets the same share of each image.
     */
    static int tileWidth(int rows, int outSize, int threads) {
        int fit = Math.max(MIN_TILE, Math.min(MAX_TILE, TILE_BYTES / (4 * rows)));
        int t = Math.max(1, threads);
        int tiles = (outSize + fit - 1) / fit;
        tiles = (tiles + t - 1) / t * t;
        return Math.max(1, (outSize + tiles - 1) / tiles);
    }
}
