package dev.kiln.backend.cpu.util;

/**
 * The constants of Kiln's exact (erf) GELU, shared by the plain-Java {@code FloatGelu} and the Vector API
 * {@code SimdMath.gelu} so that both compute the same fit.
 *
 * <p>With t = |x| / sqrt 2, {@code gelu(x) = max(x, 0) - |x| erfc(t) / 2}; erfc(t) = e^(-t^2) R(s) with
 * s = 1 / (1 + {@link #P} t) and R(s) = sum of R<sub>c</sub> s<sup>c</sup>, c = 0..7 (weighted least squares iterated
 * towards minimax against double-precision erfc, relative error 5.3e-8 on [0, 5]). t is clamped at {@link #TOP}
 * and |x| at {@link #TAIL_CAP} in the tail term, so infinities give x or 0, never inf - inf.
 */
public final class GeluFit {
    /** 1 / sqrt 2 as a float. */
    public static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    /** Largest t used (erfc(5) = 1.5e-12). */
    public static final float TOP = 5f;
    /** Largest |x| in the tail term. */
    public static final float TAIL_CAP = 8f;
    /** The s = 1 / (1 + P t) substitution's P, chosen by scanning. */
    public static final float P = 0.47047f;
    public static final float R0 = -0.00033086456824094057f;
    public static final float R1 = 0.2710701823234558f;
    public static final float R2 = 0.22431091964244843f;
    public static final float R3 = 0.40326109528541565f;
    public static final float R4 = -0.23313845694065094f;
    public static final float R5 = 0.7068923711776733f;
    public static final float R6 = -0.4714905917644501f;
    public static final float R7 = 0.09942537546157837f;

    private GeluFit() {
    }
}
