package dev.kiln.backend.cpu.kernels.string;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The string kernels against ONNX Runtime on random strings drawn from a small alphabet with spaces, commas and case. */
class StringKernelsOrtTest {
    private static final Random RANDOM = new Random(5);
    private static final String ALPHABET = "abAB ,,xyz  é";

    static String word(int maxLength) {
        StringBuilder b = new StringBuilder();
        int n = RANDOM.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    static Tensor words(int maxLength, long... dims) {
        String[] v = new String[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = word(maxLength);
        }
        return Tensor.of(v, dims);
    }

    @Test
    void concatBroadcasts() {
        Node n = Node.builder("StringConcat").inputs("X", "Y").outputs("Z").build();
        KernelHarness.assertMatchesOrt(n, 20, 0, 0, words(6, 3, 1, 4), words(6, 2, 1));
        KernelHarness.assertMatchesOrt(n, 20, 0, 0, words(6, 5), words(6));
    }

    static Tensor nonEmptyWords(int maxLength, long... dims) {
        String[] v = new String[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = "q" + word(maxLength);
        }
        return Tensor.of(v, dims);
    }

    /** Empty elements are left out here: ORT gives them no substring, Python and the ONNX reference one (see splitOfEmptyElement). */
    @ParameterizedTest(name = "delimiter=''{0}'' maxsplit={1}")
    @CsvSource({"',', -1", "',', 1", "'ab', -1", "'', -1", "'', 2", "' ', 0"})
    void splitMatchesPython(String delimiter, long maxSplit) {
        Node.Builder b = Node.builder("StringSplit").inputs("X").outputs("Y", "Z");
        if (!delimiter.isEmpty()) {
            b.attr("delimiter", delimiter);
        }
        if (maxSplit >= 0) {
            b.attr("maxsplit", maxSplit);
        }
        KernelHarness.assertMatchesOrt(b.build(), 20, 0, 0, nonEmptyWords(12, 4, 3));
    }

    @Test
    void splitOfEmptyElement() {
        Node comma = Node.builder("StringSplit").inputs("X").outputs("Y", "Z").attr("delimiter", ",").build();
        List<dev.kiln.api.tensor.RuntimeValue> out = KernelHarness.run(comma, Tensor.of(new String[] {"", "a,,b"}, 2));
        assertEquals(null, TensorAssert.difference(Tensor.of(new String[] {"", "", "", "a", "", "b"}, 2, 3), (Tensor) out.get(0), 0, 0));
        assertEquals(null, TensorAssert.difference(Tensor.of(new long[] {1, 3}, 2), (Tensor) out.get(1), 0, 0));
        Node blank = Node.builder("StringSplit").inputs("X").outputs("Y", "Z").build();
        out = KernelHarness.run(blank, Tensor.of(new String[] {"", "  "}, 2));
        assertEquals(Shape.of(2, 0), ((Tensor) out.get(0)).shape());
        assertEquals(null, TensorAssert.difference(Tensor.of(new long[] {0, 0}, 2), (Tensor) out.get(1), 0, 0));
    }

    /** ORT cannot build its en_US locale on machines without language packs, so this checks the spec's steps directly. */
    @Test
    void normalizerDropsStopWordsAndChangesCase() {
        String[] v = {"ab", "AB", "Monday", "monday", "xyz", "é", "a b", "Xyz"};
        Node.Builder b = Node.builder("StringNormalizer").inputs("X").outputs("Y").attribute(Attribute.strings("stopwords", List.of("monday", "xyz")));
        assertStrings(new String[] {"ab", "AB", "é", "a b"}, b.attr("case_change_action", "NONE").build(), Tensor.of(v, v.length));
        assertStrings(new String[] {"AB", "AB", "É", "A B"}, b.attr("case_change_action", "UPPER").build(), Tensor.of(v, v.length));
        Node sensitiveLower = b.attr("case_change_action", "LOWER").attr("is_case_sensitive", 1L).build();
        Tensor row = Tensor.of(new String[] {"ab", "AB", "Monday", "monday", "xyz", "Xyz"}, 1, 6);
        Tensor out = KernelHarness.runOne(sensitiveLower, row);
        assertEquals(null, TensorAssert.difference(Tensor.of(new String[] {"ab", "ab", "monday", "xyz"}, 1, 4), out, 0, 0));
        Tensor none = KernelHarness.runOne(sensitiveLower, Tensor.of(new String[] {"monday", "xyz"}, 1, 2));
        assertEquals(null, TensorAssert.difference(Tensor.of(new String[] {""}, 1, 1), none, 0, 0));
        Tensor noneFlat = KernelHarness.runOne(sensitiveLower, Tensor.of(new String[] {"xyz"}, 1));
        assertEquals(null, TensorAssert.difference(Tensor.of(new String[] {""}, 1), noneFlat, 0, 0));
    }

    private static void assertStrings(String[] expected, Node node, Tensor x) {
        assertEquals(null, TensorAssert.difference(Tensor.of(expected, expected.length), KernelHarness.runOne(node, x), 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[ab]+", "a.*b?", "(?P<w>[a-z]+)", "\\w+,\\s*\\w*", "", "[^ ]{2,3}", "(ab|AB)*"})
    void regexFullMatch(String pattern) {
        Node n = Node.builder("RegexFullMatch").inputs("X").outputs("Y").attr("pattern", pattern).build();
        String[] v = new String[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 4 == 0 ? "ab".repeat(i % 3) : word(4);
        }
        KernelHarness.assertMatchesOrt(n, 20, 0, 0, Tensor.of(v, 5, 8));
    }

    @ParameterizedTest(name = "mode={0} grams={1}..{2} skip={3}")
    @CsvSource({"TF, 1, 2, 0", "TF, 2, 2, 3", "IDF, 1, 3, 1", "TFIDF, 1, 2, 2", "TFIDF, 3, 3, 1"})
    void tfIdfOnIntegersAndStrings(String mode, long min, long max, long skip) {
        long[] pool = {1, 2, 3, 4, 1, 2, 2, 3, 3, 1, 4, 4, 1, 2, 3, 2, 2, 2};
        long[] counts = {0, 4, 12};
        long[] indexes = {3, 0, 1, 2, 5, 4, 6, 7, 8, 9};
        float[] weights = {0.5f, 1.5f, 2f, 0.25f, 3f, 1f, 0.75f, 2.5f, 1.25f, 0.1f};
        Node ints = Node.builder("TfIdfVectorizer").inputs("X").outputs("Y").attr("mode", mode).attr("min_gram_length", min)
                .attr("max_gram_length", max).attr("max_skip_count", skip).attr("ngram_counts", counts).attr("ngram_indexes", indexes)
                .attr("pool_int64s", pool).attr("weights", weights).build();
        long[] x = new long[2 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + RANDOM.nextInt(4);
        }
        KernelHarness.assertMatchesOrt(ints, 9, 1e-6, 1e-6, Tensor.of(x, 2, 12));
        int[] x32 = new int[12];
        String[] xs = new String[12];
        List<String> stringPool = new java.util.ArrayList<>();
        for (long p : pool) {
            stringPool.add("w" + p);
        }
        for (int i = 0; i < 12; i++) {
            x32[i] = (int) x[i];
            xs[i] = "w" + x[i];
        }
        KernelHarness.assertMatchesOrt(ints, 9, 1e-6, 1e-6, Tensor.of(x32, 12));
        Node strings = ints.toBuilder().removeAttribute("pool_int64s").attribute(Attribute.strings("pool_strings", stringPool)).build();
        KernelHarness.assertMatchesOrt(strings, 9, 1e-6, 1e-6, Tensor.of(xs, 12));
    }
}
