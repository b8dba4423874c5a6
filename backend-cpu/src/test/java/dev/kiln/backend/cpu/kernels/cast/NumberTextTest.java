package dev.kiln.backend.cpu.kernels.cast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumberTextTest {

    @Test
    void floatingValuesPrintLikeCPercentDot8g() {
        assertEquals("3.1415927", NumberText.formatFloating(Math.PI));
        assertEquals("100", NumberText.formatFloating(100.0));
        assertEquals("0.5", NumberText.formatFloating(0.5));
        assertEquals("-2.5", NumberText.formatFloating(-2.5));
        assertEquals("12345678", NumberText.formatFloating(12345678));
        assertEquals("1.2345679e+08", NumberText.formatFloating(123456789));
        assertEquals("0.0001", NumberText.formatFloating(1e-4));
        assertEquals("1e-05", NumberText.formatFloating(1e-5));
        assertEquals("1.5e+300", NumberText.formatFloating(1.5e300));
        assertEquals("0.1", NumberText.formatFloating(0.1f), "float 0.1 has 8-digit form 0.1");
        assertEquals("1e+08", NumberText.formatFloating(99999999.5), "rounding can carry into the next power of ten");
        assertEquals("0", NumberText.formatFloating(0.0));
        assertEquals("-0", NumberText.formatFloating(-0.0));
        assertEquals("NaN", NumberText.formatFloating(Double.NaN));
        assertEquals("INF", NumberText.formatFloating(Double.POSITIVE_INFINITY));
        assertEquals("-INF", NumberText.formatFloating(Double.NEGATIVE_INFINITY));
    }

    @Test
    void integersPrintInDecimal() {
        assertEquals("-42", NumberText.formatInteger(-42, false));
        assertEquals("18446744073709551615", NumberText.formatInteger(-1, true));
    }

    @Test
    void floatingTextReadsTheLeadingNumberLikeStrtod() {
        assertEquals(3.14, NumberText.parseFloating("3.14"));
        assertEquals(1e-5, NumberText.parseFloating("1e-5"));
        assertEquals(1e8, NumberText.parseFloating("1E8"));
        assertEquals(1.5, NumberText.parseFloating("  1.5abc"));
        assertEquals(2.0, NumberText.parseFloating("2e"), "an exponent marker without digits is not part of the number");
        assertEquals(16.0, NumberText.parseFloating("0x10"));
        assertEquals(0.5, NumberText.parseFloating(".5"));
        assertEquals(Double.POSITIVE_INFINITY, NumberText.parseFloating("+INF"));
        assertEquals(Double.POSITIVE_INFINITY, NumberText.parseFloating("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, NumberText.parseFloating("-Inf"));
        assertTrue(Double.isNaN(NumberText.parseFloating("nan")));
        assertThrows(NumberFormatException.class, () -> NumberText.parseFloating("Hello"));
        assertThrows(NumberFormatException.class, () -> NumberText.parseFloating(""));
    }

    @Test
    void integerTextReadsTheLeadingIntegerLikeStrtoll() {
        assertEquals(100, NumberText.parseInteger("100.5", false));
        assertEquals(-7, NumberText.parseInteger(" -7", false));
        assertEquals(3, NumberText.parseInteger("+3", false));
        assertEquals(1, NumberText.parseInteger("1e3", false));
        assertEquals(-1, NumberText.parseInteger("18446744073709551615", true));
        assertEquals(-1, NumberText.parseInteger("-1", true), "strtoull negates modulo 2^64");
        assertThrows(NumberFormatException.class, () -> NumberText.parseInteger("9223372036854775808", false));
        assertThrows(NumberFormatException.class, () -> NumberText.parseInteger("abc", false));
    }
}
