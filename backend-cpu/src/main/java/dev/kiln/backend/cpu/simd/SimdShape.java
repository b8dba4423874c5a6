package dev.kiln.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector shape every SIMD kernel uses: the widest this CPU runs natively. Refers to
 * {@code jdk.incubator.vector}; load only after {@link Simd} found the module (see its class comment).
 */
public final class SimdShape {
    /** The preferred float species: 16 lanes with AVX-512, 8 with AVX2. */
    public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    private SimdShape() {
    }

    /** Width of {@link #FLOATS} in bits. */
    public static int floatBits() {
        return FLOATS.vectorBitSize();
    }

    /** Lanes of {@link #FLOATS}. */
    public static int floatLanes() {
        return FLOATS.length();
    }
}
