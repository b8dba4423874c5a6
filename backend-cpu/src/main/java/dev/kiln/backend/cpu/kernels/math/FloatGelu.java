package dev.kiln.backend.cpu.kernels.math;

import static dev.kiln.backend.cpu.util.GeluFit.*;

import dev.kiln.backend.cpu.util.FloatMath;

/**
 * Exact (erf) GELU for float32 blocks in short passes HotSpot vectorizes (see
 * {@link dev.kiln.backend.cpu.util.FloatBlocks}), for the Gelu op and the GELU epilogue of fused GEMMs,
 * where the 30-pass {@link FloatErf} cost as much as the GEMM itself.
 *
 * <p>With t = |x| / sqrt 2, {@code gelu(x) = max(x, 0) - |x| erfc(t) / 2}, which needs no cancellation
 * for either sign. erfc(t) = e^(-t^2) R(s) with s = 1 / (1 + P t): R is smooth on [0, 5] and in s
 * nearly a low polynomial, so degree 7 fits it with relative error 5.3e-8 (weighted least squares
 * iterated towards minimax against double-precision erfc, P chosen by scanning). t is clamped at 5
 * (erfc(5) = 1.5e-12) and |x| at 8 in the tail term, so infinities give x or 0, never inf - inf. The constants are
 * {@link dev.kiln.backend.cpu.util.GeluFit}'s, shared with the Vector API GELU.
 * Against the double-precision formula: absolute error at most 1.4e-7 and relative error 1e-6 on [-3, 3].
 *
 * <p>Each pass holds at most three multiply-adds: HotSpot 17 does not unroll longer loop bodies, and
 * loops it does not unroll stay scalar.
 */
final class FloatGelu {
    private FloatGelu() {
    }

    /** {@code y[i] = gelu(x[i])} for i in {@code [0, n)}, using three of the scratch arrays; y may be x. */
    static void gelu(float[] x, float[] y, float[][] scratch, int n) {
        float[] s = scratch[0];
        float[] r = scratch[1];
        float[] e = scratch[2];
        for (int i = 0; i < n; i++) {
            float t = Math.min(Math.abs(x[i]) * INV_SQRT2, TOP);
            s[i] = 1f / (1f + P * t);
            e[i] = -(t * t);
        }
        // R(s) by Horner
        for (int i = 0; i < n; i++) {
            float v = s[i];
            r[i] = ((R7 * v + R6) * v + R5) * v + R4;
        }
        for (int i = 0; i < n; i++) {
            float v = s[i];
            r[i] = (r[i] * v + R3) * v + R2;
        }
        for (int i = 0; i < n; i++) {
            float v = s[i];
            r[i] = (r[i] * v + R1) * v + R0;
        }
        FloatMath.exp(e, e, s, n);
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = Math.max(v, 0f) - 0.5f * Math.min(Math.abs(v), TAIL_CAP) * (e[i] * r[i]);
        }
    }
}
