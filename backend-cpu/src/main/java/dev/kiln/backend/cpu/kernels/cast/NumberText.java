package dev.kiln.backend.cpu.kernels.cast;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The text forms Cast uses between strings and numbers, matching ONNX Runtime: floating values print
 * like C's {@code %.8g} (8 significant digits, trailing zeros dropped, exponent form outside
 * [1e-4, 1e8)), with {@code NaN}, {@code INF} and {@code -INF}; integers print in decimal. Parsing reads
 * the leading number like C's {@code strtod} and {@code strtoll}, which covers ONNX's plain and
 * scientific notation and its case-insensitive {@code NaN}, {@code INF}, {@code +INF} and {@code -INF}.
 * Stateless and thread-safe.
 */
final class NumberText {
    private static final int SIGNIFICANT_DIGITS = 8;
    private static final MathContext ROUNDING = new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN);

    private NumberText() {
    }

    /** A floating value as C's {@code printf("%.8g")} writes it, with ONNX's names for NaN and infinities. */
    static String formatFloating(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "INF" : "-INF";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(v).round(ROUNDING);
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= SIGNIFICANT_DIGITS) {
            BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
            String digits = mantissa.toPlainString();
            String e = String.format(Locale.ROOT, "%02d", Math.abs(exponent));
            return digits + (exponent < 0 ? "e-" : "e+") + e;
        }
        String plain = d.stripTrailingZeros().toPlainString();
        return plain;
    }

    /** An integer value in decimal; {@code unsigned64} reads the bits of a uint64. */
    static String formatInteger(long v, boolean unsigned64) {
        return unsigned64 ? Long.toUnsignedString(v) : Long.toString(v);
    }

    /**
     * Parses a floating value the way C's {@code strtod} reads the start of a string (as ONNX Runtime
     * does): leading blanks are skipped, the longest decimal or hexadecimal number, {@code inf},
     * {@code infinity} or {@code nan} (any case, optionally signed) is taken and the rest ignored.
     * Throws {@link NumberFormatException} when the text does not start with a number.
     */
    static double parseFloating(String s) {
        int i = skipBlanks(s);
        int start = i;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        boolean negative = i > start && s.charAt(start) == '-';
        if (s.regionMatches(true, i, "nan", 0, 3)) {
            return Double.NaN;
        }
        if (s.regionMatches(true, i, "inf", 0, 3)) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        boolean hex = s.regionMatches(true, i, "0x", 0, 2);
        int digitsStart = hex ? i + 2 : i;
        int j = digits(s, digitsStart, hex);
        int mantissaDigits = j - digitsStart;
        if (j < s.length() && s.charAt(j) == '.') {
            int k = digits(s, j + 1, hex);
            mantissaDigits += k - j - 1;
            j = k;
        }
        if (mantissaDigits == 0) {
            if (hex) {
                return negative ? -0.0 : 0.0; // "0x" alone reads as the number 0 followed by text
            }
            throw new NumberFormatException("'" + s + "' does not start with a number");
        }
        int end = exponentEnd(s, j, hex ? 'p' : 'e');
        String number = s.substring(start, end);
        return Double.parseDouble(hex && end == j ? number + "p0" : number);
    }

    /**
     * Parses an integer the way C's {@code strtoll}/{@code strtoull} read the start of a string (as ONNX
     * Runtime does): leading blanks, an optional sign and decimal digits, the rest ignored, so "100.5"
     * reads 100. For unsigned targets a minus sign negates modulo 2^64. Throws
     * {@link NumberFormatException} without digits or when the value does not fit 64 bits.
     */
    static long parseInteger(String s, boolean unsigned) {
        int i = skipBlanks(s);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int j = digits(s, i, false);
        if (j == i) {
            throw new NumberFormatException("'" + s + "' does not start with an integer");
        }
        String digits = s.substring(i, j);
        if (unsigned) {
            long v = Long.parseUnsignedLong(digits);
            return negative ? -v : v;
        }
        return Long.parseLong(negative ? "-" + digits : digits);
    }

    private static int skipBlanks(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int digits(String s, int i, boolean hex) {
        while (i < s.length() && (hex ? Character.digit(s.charAt(i), 16) >= 0 : s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
            i++;
        }
        return i;
    }

    /** The end of an optional exponent (marker, sign, decimal digits) at {@code i}; {@code i} itself when there is none. */
    private static int exponentEnd(String s, int i, char marker) {
        if (i >= s.length() || Character.toLowerCase(s.charAt(i)) != marker) {
            return i;
        }
        int j = i + 1;
        if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
            j++;
        }
        int k = digits(s, j, false);
        return k > j ? k : i;
    }
}
