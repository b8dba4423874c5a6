package dev.kiln.samples.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputComparatorTest {
    private final OutputComparator onnx = OutputComparator.defaults();

    private static Tensor f(float... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void nanMatchesOnlyNan() {
        assertNull(onnx.difference(f(Float.NaN, 1), f(Float.NaN, 1)));
        assertEquals("element [0]: expected NaN, got 1.0 (1 of 2 elements differ)", onnx.difference(f(Float.NaN, 1), f(1, 1)));
        assertEquals("element [1]: expected 1.0, got NaN (1 of 2 elements differ)", onnx.difference(f(0, 1), f(0, Float.NaN)));
    }

    @Test
    void relativeAndAbsoluteToleranceFollowTheOnnxRule() {
        // |a - e| <= 1e-7 + 1e-3 * |e|
        assertNull(onnx.difference(Tensor.of(new double[] {100}, 1), Tensor.of(new double[] {100.0999}, 1)));
        assertEquals("element [0]: expected 100.0, got 100.1002 (1 of 1 elements differ)",
                onnx.difference(Tensor.of(new double[] {100}, 1), Tensor.of(new double[] {100.1002}, 1)));
        assertNull(onnx.difference(Tensor.of(new double[] {0}, 1), Tensor.of(new double[] {9e-8}, 1)));
        assertEquals("element [0]: expected 0.0, got 1.1E-7 (1 of 1 elements differ)",
                onnx.difference(Tensor.of(new double[] {0}, 1), Tensor.of(new double[] {1.1e-7}, 1)));
        OutputComparator loose = new OutputComparator(0.1, 0);
        assertNull(loose.difference(f(10), f(11)));
        assertEquals("element [0]: expected 10.0, got 11.5 (1 of 1 elements differ)", loose.difference(f(10), f(11.5f)));
    }

    @Test
    void infinitiesMatchOnlyTheSameSign() {
        assertNull(onnx.difference(f(Float.POSITIVE_INFINITY), f(Float.POSITIVE_INFINITY)));
        assertEquals("element [0]: expected Infinity, got -Infinity (1 of 1 elements differ)",
                onnx.difference(f(Float.POSITIVE_INFINITY), f(Float.NEGATIVE_INFINITY)));
    }

    @Test
    void shapeAndElementTypeMustBeExact() {
        Tensor a = Tensor.zeros(DType.FLOAT, 2, 3);
        assertEquals("shape: expected float32[2,3], got float32[3,2]", onnx.difference(a, Tensor.zeros(DType.FLOAT, 3, 2)));
        assertEquals("shape: expected float32[2,3], got float32[6]", onnx.difference(a, Tensor.zeros(DType.FLOAT, 6)));
        assertEquals("element type: expected float32[2,3], got float64[2,3]", onnx.difference(a, Tensor.zeros(DType.DOUBLE, 2, 3)));
        assertEquals("element type: expected int64[], got int32[]", onnx.difference(Tensor.scalar(1L), Tensor.scalar(1)));
    }

    @Test
    void indexNamesTheElementInEveryDimension() {
        Tensor e = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 7, 8}, 2, 3);
        assertEquals("element [1,1]: expected 5.0, got 7.0 (2 of 6 elements differ)", onnx.difference(e, a));
    }

    @Test
    void integersBoolsAndStrings() {
        long big = 1L << 60;
        assertNull(onnx.difference(Tensor.of(new long[] {big, -3}, 2), Tensor.of(new long[] {big, -3}, 2)));
        assertEquals("element [1]: expected -3, got 3 (1 of 2 elements differ)",
                onnx.difference(Tensor.of(new long[] {big, -3}, 2), Tensor.of(new long[] {big, 3}, 2)));
        assertEquals("element [0]: expected 18446744073709551615, got 0 (1 of 1 elements differ)",
                onnx.difference(Tensor.of(DType.UINT64, new long[] {-1}, 1), Tensor.of(DType.UINT64, new long[] {0}, 1)));
        assertEquals("element [1]: expected true, got false",
                onnx.difference(Tensor.of(new boolean[] {true, true}, 2), Tensor.of(new boolean[] {true, false}, 2)));
        assertNull(onnx.difference(Tensor.of(new String[] {"a", "b"}, 2), Tensor.of(new String[] {"a", "b"}, 2)));
        assertEquals("element [0]: expected 'a', got 'A'", onnx.difference(Tensor.of(new String[] {"a"}, 1), Tensor.of(new String[] {"A"}, 1)));
    }

    @Test
    void narrowFloatsAreComparedDecoded() {
        // In float16 0x3C00 is 1.0, 0x3C01 is 1 + 2^-10 (within 1e-3 + 1e-7 of 1.0) and 0x3C02 is 1 + 2^-9 (beyond it).
        Tensor one = Tensor.of(DType.FLOAT16, new short[] {0x3C00}, 1);
        assertNull(onnx.difference(one, Tensor.of(DType.FLOAT16, new short[] {0x3C01}, 1)));
        assertEquals("element [0]: expected 1.0, got 1.0019531 (1 of 1 elements differ)",
                onnx.difference(one, Tensor.of(DType.FLOAT16, new short[] {0x3C02}, 1)));
    }

    @Test
    void sequencesAndOptionalsCompareElementWise() {
        TensorSequence s = new TensorSequence(DType.FLOAT, List.of(f(1), f(2, 3)));
        assertNull(onnx.difference(s, new TensorSequence(DType.FLOAT, List.of(f(1), f(2, 3)))));
        assertEquals("sequence element 1: element [1]: expected 3.0, got 4.0 (1 of 2 elements differ)",
                onnx.difference(s, new TensorSequence(DType.FLOAT, List.of(f(1), f(2, 4)))));
        assertEquals("expected seq(float32)[2], got seq(float32)[1]", onnx.difference(s, new TensorSequence(DType.FLOAT, List.of(f(1)))));
        assertEquals("expected seq(float32)[2], got float32[1]", onnx.difference(s, f(1)));

        ValueType t = ValueType.tensor(DType.FLOAT, Shape.of(1));
        assertNull(onnx.difference(OptionalValue.empty(t), OptionalValue.empty(t)));
        assertNull(onnx.difference(OptionalValue.of(t, f(1)), OptionalValue.of(t, f(1))));
        assertEquals("expected optional(empty), got optional(float32[1])", onnx.difference(OptionalValue.empty(t), OptionalValue.of(t, f(1))));
        assertEquals("missing, expected float32[1]", onnx.difference(f(1), null));
    }
}
