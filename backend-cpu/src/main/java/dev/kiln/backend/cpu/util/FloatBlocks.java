package dev.kiln.backend.cpu.util;

/**
 * Runs a multi-pass float32 function over an array range block by block, on zero-based copies.
 *
 * <p>HotSpot (JDK 17) vectorizes a loop only when it can unroll it, which needs a small loop body, and
 * only when every array in it is indexed by the same zero-based index. Functions built from several
 * simple passes over blocks (the exponentials of {@link FloatMath}, a polynomial evaluated one
 * coefficient per pass) meet both conditions; this class supplies the blocks and the scratch arrays
 * for intermediate results. The two copies per element cost far less than the scalar code they avoid.
 * Simple one-pass functions should loop over the range directly instead.
 *
 * <p>Scratch arrays are cached per thread, so {@link #map} allocates nothing in steady state. It is not
 * reentrant: a {@link Block} must not call {@link #map}.
 */
public final class FloatBlocks {
    /** Scratch arrays handed to each {@link Block}, each {@link ElementCodec#BLOCK} long. */
    public static final int SCRATCH_ARRAYS = 6;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** One thread's blocks: input, output and scratch. */
    private static final class Buffers {
        final float[] in = new float[ElementCodec.BLOCK];
        final float[] out = new float[ElementCodec.BLOCK];
        final float[][] scratch = new float[SCRATCH_ARRAYS][ElementCodec.BLOCK];
    }

    private FloatBlocks() {
    }

    /**
     * One block of a function: {@code out[i] = f(in[i])} for i in {@code [0, n)}. {@code in}, {@code out}
     * and the {@link #SCRATCH_ARRAYS} arrays of {@code scratch} are distinct; the block owns them only
     * for the call.
     */
    @FunctionalInterface
    public interface Block {
        void apply(float[] in, float[] out, float[][] scratch, int n);
    }

    /** {@code y[i] = f(x[i])} for i in {@code [from, to)}; {@code x} and {@code y} may be the same array. */
    public static void map(float[] x, float[] y, int from, int to, Block f) {
        Buffers buffers = BUFFERS.get();
        float[] in = buffers.in;
        float[] out = buffers.out;
        float[][] scratch = buffers.scratch;
        for (int p = from; p < to; p += ElementCodec.BLOCK) {
            int n = Math.min(ElementCodec.BLOCK, to - p);
            System.arraycopy(x, p, in, 0, n);
            f.apply(in, out, scratch, n);
            System.arraycopy(out, 0, y, p, n);
        }
    }
}
