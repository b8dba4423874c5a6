package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Expand and Tile. */
class ReshapeInferenceTest {
    private static final DType F = DType.FLOAT;

    @Test
    void reshapeWithZeroAndMinusOne() {
        assertEquals(Shape.of(4, 6), op("Reshape").in(F, 2, 3, 4).ints(4, -1).shape());
        assertEquals(Shape.of(24), op("Reshape").in(F, 2, 3, 4).ints(-1).shape());
        assertEquals(Shape.of(2, 12), op("Reshape").in(F, 2, 3, 4).ints(0, -1).shape());
        assertEquals(Shape.scalar(), op("Reshape").in(F, 1, 1).ints().shape());
    }

    @Test
    void reshapeCarriesSymbolsThroughZeroAndCancelsThemForMinusOne() {
        // attention head split: [batch, seq, 768] -> [batch, seq, 12, 64]
        assertEquals(dims("batch", "seq", 12, 64), op("Reshape").in(F, "batch", "seq", 768).ints(0, 0, 12, 64).shape());
        // -1 = (batch * 128 * 768) / (batch * 64)
        assertEquals(dims("batch", 1536, 64), op("Reshape").in(F, "batch", 128, 768).ints(0, -1, 64).shape());
        assertEquals(dims("batch", 768), op("Reshape").in(F, "batch", 12, 64).ints(-1, 768).shape());
        assertEquals(dims(null, 768), op("Reshape").in(F, "batch", "seq", 768).ints(-1, 768).shape());
    }

    @Test
    void reshapeAllowZeroAndErrors() {
        assertEquals(Shape.of(0, 3), op("Reshape").in(F, 0, 3).ints(0, 3).attr("allowzero", 1L).shape());
        assertEquals(Shape.of(3, 0), op("Reshape").in(F, 3, 0).ints(0, 0).shape());
        assertThrows(InvalidGraphException.class, () -> op("Reshape").in(F, 0, 3).ints(0, -1).attr("allowzero", 1L).run());
        assertThrows(InvalidGraphException.class, () -> op("Reshape").in(F, 2, 3).ints(-1, -1).run());
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> op("Reshape").in(F, 2, 3, 4).ints(5, -1).run());
        assertTrue(e.getMessage().contains("[2,3,4]") && e.getMessage().contains("[5, -1]"), e.getMessage());
        assertThrows(InvalidGraphException.class, () -> op("Reshape").in(F, 2, 3, 4).ints(5, 5).run());
    }

    @Test
    void reshapeWithoutConstantShapeKnowsOnlyTheRank() {
        assertEquals(dims(null, null, null), op("Reshape").in(F, 2, 3).in(DType.INT64, 3).shape());
        assertEquals(new TensorType(F, null), op("Reshape").in(F, 2, 3).unranked(DType.INT64).out());
        // Reshape-1 took the shape as an attribute
        assertEquals(Shape.of(3, 2), op("Reshape").opset(1).in(F, 2, 3).attr("shape", 3, -1).shape());
    }

    @Test
    void anAbsurdDeclaredShapeLengthGivesAnUnknownRankNotAnAllocation() {
        // a hostile model declares its shape input int64[2^28]: the output's rank stays unknown
        assertEquals(new TensorType(F, null), op("Reshape").in(F, 2, 3).in(DType.INT64, 1L << 28).out());
        assertEquals(new TensorType(F, null), op("Reshape").in(F, 2, 3).in(DType.INT64, 1L << 40).out());
        assertEquals(dims(null, null, null), op("Reshape").in(F, 2, 3).in(DType.INT64, 3).shape());
    }

    @Test
    void flatten() {
        assertEquals(dims("N", 60), op("Flatten").in(F, "N", 3, 4, 5).shape());
        assertEquals(dims(1, null), op("Flatten").in(F, "N", 3, 4, 5).attr("axis", 0L).shape());
        assertEquals(dims(12, 5), op("Flatten").in(F, 3, 4, 5).attr("axis", -1L).shape());
        assertThrows(InvalidGraphException.class, () -> op("Flatten").in(F, 3, 4).attr("axis", 3L).run());
    }

    @Test
    void transpose() {
        assertEquals(dims("b", 12, "s", 64), op("Transpose").in(F, "b", "s", 12, 64).attr("perm", 0, 2, 1, 3).shape());
        assertEquals(Shape.of(4, 3, 2), op("Transpose").in(F, 2, 3, 4).shape());
        assertThrows(InvalidGraphException.class, () -> op("Transpose").in(F, 2, 3, 4).attr("perm", 0, 0, 1).run());
        assertThrows(InvalidGraphException.class, () -> op("Transpose").in(F, 2, 3, 4).attr("perm", 1, 0).run());
    }

    @Test
    void squeezeAndUnsqueeze() {
        assertEquals(dims(3, "n"), op("Squeeze").in(F, 3, 1, "n").ints(1).shape());
        assertEquals(dims(3, "n"), op("Squeeze").in(F, 3, 1, "n").ints(-2).shape());
        assertEquals(Shape.of(3, 4), op("Squeeze").in(F, 1, 3, 1, 4).shape());
        assertNull(op("Squeeze").in(F, 1, "n").shape());
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> op("Squeeze").in(F, 3, 2).ints(0).run());
        assertTrue(e.getMessage().contains("[3,2]"), e.getMessage());
        assertEquals(Shape.of(1, 3, 4, 1), op("Unsqueeze").in(F, 3, 4).ints(0, -1).shape());
        assertEquals(dims("b", 1, 1, "s"), op("Unsqueeze").in(F, "b", "s").ints(1, 2).shape());
        assertThrows(InvalidGraphException.class, () -> op("Unsqueeze").in(F, 3).ints(0, 0).run());
        // before opset 13 the axes were an attribute
        assertEquals(Shape.of(3, 1), op("Unsqueeze").opset(11).in(F, 3).attr("axes", new long[] {1}).shape());
        assertEquals(Shape.of(3), op("Squeeze").opset(11).in(F, 1, 3).attr("axes", new long[] {0}).shape());
    }

    @Test
    void expandAndTile() {
        assertEquals(Shape.of(2, 3, 6), op("Expand").in(F, 3, 1).ints(2, 1, 6).shape());
        assertEquals(dims("b", 4), op("Expand").in(F, "b", 1).ints(1, 4).shape());
        assertEquals(Shape.of(3, 4), op("Expand").in(F, 3, 4).ints(1).shape());
        assertThrows(InvalidGraphException.class, () -> op("Expand").in(F, 3, 4).ints(5, 4).run());
        assertEquals(dims(6, "n"), op("Tile").in(F, 2, "n").ints(3, 1).shape());
        assertEquals(dims(2, null), op("Tile").in(F, 2, "n").ints(1, 2).shape());
        assertThrows(InvalidGraphException.class, () -> op("Tile").in(F, 2, 3).ints(2).run());
    }
}
