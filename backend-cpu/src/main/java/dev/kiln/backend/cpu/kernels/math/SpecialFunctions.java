package dev.kiln.backend.cpu.kernels.math;

/**
 * Functions {@link Math} lacks, in double precision: the error function and its complement, and the
 * inverse hyperbolic functions. The float32 loops use {@link FloatErf}. Stateless and thread-safe.
 */
final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double LN2 = 0.6931471805599453;

    private SpecialFunctions() {
    }

    /** erf(x) to about 1e-15 relative: a positive power series below |x| = 3, erfc's continued fraction above. */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a < 3.0) {
            // erf(a) = 2/sqrt(pi) e^{-a^2} sum_n (2a^2)^n a / (2n+1)!!, every term positive
            double t = a;
            double sum = a;
            double twoA2 = 2 * a * a;
            for (int n = 1; n < 200 && t > sum * 1e-17; n++) {
                t *= twoA2 / (2 * n + 1);
                sum += t;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
        } else if (a < 6.0) {
            r = 1.0 - erfcContinuedFraction(a);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    /** erfc(a) for a >= 3 by the modified Lentz evaluation of its continued fraction. */
    private static double erfcContinuedFraction(double a) {
        // erfc(a) = e^{-a^2}/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
        double tiny = 1e-300;
        double f = a;
        double c = a;
        double d = 0;
        for (int k = 1; k < 300; k++) {
            double num = k * 0.5;
            d = a + num * d;
            d = d == 0 ? tiny : d;
            c = a + num / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
    }

    /** erfc(x) = 1 - erf(x) without the cancellation of that difference for large x (relative error about 1e-14). */
    static double erfc(double x) {
        if (x >= 3.0 && x < 27.0) {
            return erfcContinuedFraction(x);
        }
        return x >= 27.0 ? 0.0 : 1.0 - erf(x);
    }

    /** asinh(x) without cancellation near 0 or overflow for large |x|. */
    static double asinh(double x) {
        double a = Math.abs(x);
        double r;
        if (a > 0x1p28) {
            r = Math.log(a) + LN2;
        } else if (a > 2) {
            r = Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
        } else {
            double a2 = a * a;
            r = Math.log1p(a + a2 / (1 + Math.sqrt(1 + a2)));
        }
        return x < 0 ? -r : r;
    }

    /** acosh(x) for x >= 1 (NaN below), accurate near 1. */
    static double acosh(double x) {
        if (x < 1) {
            return Double.NaN;
        }
        if (x > 0x1p28) {
            return Math.log(x) + LN2;
        }
        if (x > 2) {
            return Math.log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
        }
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    /** atanh(x) for |x| <= 1 (±inf at ±1, NaN beyond), accurate near 0. */
    static double atanh(double x) {
        double a = Math.abs(x);
        double r = 0.5 * Math.log1p(2 * a / (1 - a));
        return x < 0 ? -r : r;
    }
}
