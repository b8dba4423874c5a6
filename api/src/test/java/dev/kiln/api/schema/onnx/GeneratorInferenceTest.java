package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shape, Size, Cast, CastLike, Constant, ConstantOfShape, Range, OneHot and NonZero. */
class GeneratorInferenceTest {
    private static final DType F = DType.FLOAT;
    private static final DType I64 = DType.INT64;

    @Test
    void shapeAndSize() {
        assertEquals(new TensorType(I64, Shape.of(3)), op("Shape").in(F, "b", 3, 4).out());
        assertEquals(new TensorType(I64, Shape.of(1)), op("Shape").in(F, 2, 3, 4).attr("start", -1L).out());
        assertEquals(new TensorType(I64, Shape.of(2)), op("Shape").in(F, 2, 3, 4).attr("end", -1L).out());
        assertEquals(new TensorType(I64, Shape.of(0)), op("Shape").in(F, 2, 3, 4).attr("start", 2L).attr("end", 1L).out());
        assertEquals(new TensorType(I64, dims((Object) null)), op("Shape").unranked(F).out());
        assertEquals(new TensorType(I64, Shape.scalar()), op("Size").untyped().out());
    }

    @Test
    void castAndCastLike() {
        assertEquals(new TensorType(DType.FLOAT16, dims("b", 4)), op("Cast").in(F, "b", 4).attr("to", 10L).out());
        assertEquals(new TensorType(I64, null), op("Cast").untyped().attr("to", 7L).out());
        // Cast-1 named the target type
        assertEquals(new TensorType(DType.INT32, dims(2)), op("Cast").opset(1).in(F, 2).attr("to", "INT32").out());
        assertThrows(InvalidGraphException.class, () -> op("Cast").in(F, 2).attr("to", 99L).run());
        assertThrows(InvalidGraphException.class, () -> op("Cast").in(F, 2).run());
        assertEquals(new TensorType(DType.DOUBLE, dims(3, "k")), op("CastLike").in(F, 3, "k").in(DType.DOUBLE).out());
    }

    @Test
    void constantTakesTheAttributesType() {
        assertEquals(new TensorType(I64, Shape.of(2, 2)), op("Constant").attr("value", Tensor.of(new long[] {1, 2, 3, 4}, 2, 2)).out());
        assertEquals(new TensorType(F, Shape.scalar()), op("Constant").attr("value_float", 1.5f).out());
        assertEquals(new TensorType(I64, Shape.of(3)), op("Constant").attr("value_ints", 1, 2, 3).out());
        assertEquals(new TensorType(DType.STRING, Shape.of(2)), op("Constant").attr(Attribute.strings("value_strings", List.of("a", "b"))).out());
        assertThrows(InvalidGraphException.class, () -> op("Constant").run());
        assertThrows(InvalidGraphException.class, () -> op("Constant").attr("value_int", 1L).attr("value_float", 1f).run());
    }

    @Test
    void constantOfShape() {
        assertEquals(new TensorType(F, Shape.of(2, 3)), op("ConstantOfShape").ints(2, 3).out());
        assertEquals(new TensorType(I64, Shape.of(4)), op("ConstantOfShape").ints(4).attr("value", Tensor.of(new long[] {7}, 1)).out());
        assertEquals(new TensorType(F, dims(null, null)), op("ConstantOfShape").in(I64, 2).out());
        assertThrows(InvalidGraphException.class, () -> op("ConstantOfShape").ints(-1).run());
    }

    @Test
    void rangeCountsItsElements() {
        assertEquals(new TensorType(I64, Shape.of(2)), op("Range").constant(Tensor.scalar(3L)).constant(Tensor.scalar(9L))
                .constant(Tensor.scalar(3L)).out());
        assertEquals(new TensorType(I64, Shape.of(3)), op("Range").constant(Tensor.scalar(10L)).constant(Tensor.scalar(4L))
                .constant(Tensor.scalar(-2L)).out());
        assertEquals(new TensorType(F, Shape.of(4)), op("Range").constant(Tensor.scalar(0f)).constant(Tensor.scalar(1f))
                .constant(Tensor.scalar(0.25f)).out());
        assertEquals(new TensorType(I64, Shape.of(0)), op("Range").constant(Tensor.scalar(5L)).constant(Tensor.scalar(1L))
                .constant(Tensor.scalar(1L)).out());
        assertEquals(new TensorType(I64, dims((Object) null)), op("Range").constant(Tensor.scalar(0L)).in(I64).constant(Tensor.scalar(1L)).out());
        assertThrows(InvalidGraphException.class, () -> op("Range").constant(Tensor.scalar(0L)).constant(Tensor.scalar(4L))
                .constant(Tensor.scalar(0L)).run());
    }

    @Test
    void oneHotAndNonZero() {
        assertEquals(new TensorType(F, dims("b", 10)), op("OneHot").in(I64, "b").constant(Tensor.scalar(10L)).in(F, 2).out());
        assertEquals(new TensorType(F, dims(10, "b")), op("OneHot").in(I64, "b").constant(Tensor.scalar(10L)).in(F, 2).attr("axis", 0L).out());
        assertEquals(new TensorType(F, dims(3, null)), op("OneHot").in(I64, 3).in(I64).in(F, 2).out());
        assertEquals(new TensorType(I64, dims(3, null)), op("NonZero").in(F, 2, "n", 4).out());
        assertEquals(new TensorType(I64, dims(null, null)), op("NonZero").unranked(F).out());
    }
}
