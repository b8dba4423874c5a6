package dev.kiln.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The last pass of a convolution over one run of output positions of one channel, in one read of the product:
 * {@code y[yOff + i] = act(src[sOff + i] + (bias + residual[rOff + i]))} for i in {@code [0, len)}, where the
 * residual may be null (absent) and act is max(v, 0) when {@code relu} is true, else the identity. It replaces
 * a copy followed by separate bias, residual and activation passes over each short run (a 56-float row of a
 * 56x56 plane: loop set-up dominated those passes). The sums are rounded as {@code ConvEpilogue.apply} rounds them,
 * so the result equals the copy-then-epilogue one. src and y may be the same array at the same offset.
 *
 * <p>Only load after {@link Simd#enabled()} returned true. Stateless; safe from several threads on disjoint ranges.
 */
public final class SimdConvRows {
    private static final VectorSpecies<Float> F = SimdShape.FLOATS;
    private static final int L = F.length();

    private SimdConvRows() {
    }

    /** See the class comment. */
    public static void finish(float[] src, int sOff, float[] y, int yOff, int len, float bias, float[] residual, int rOff,
                              boolean relu) {
        int i = 0;
        FloatVector b = FloatVector.broadcast(F, bias);
        // residual and relu are the same for the whole loop: the compiler unswitches on them
        for (int bound = len - L; i <= bound; i += L) {
            FloatVector add = residual == null ? b : b.add(FloatVector.fromArray(F, residual, rOff + i));
            FloatVector v = FloatVector.fromArray(F, src, sOff + i).add(add);
            if (relu) {
                v = v.lanewise(VectorOperators.MAX, 0f);
            }
            v.intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            float v = src[sOff + i] + (residual == null ? bias : bias + residual[rOff + i]);
            y[yOff + i] = relu ? Math.max(v, 0f) : v;
        }
    }
}
