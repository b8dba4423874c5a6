package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slice, Split, Concat, Pad, Gather and GatherElements. */
class IndexingInferenceTest {
    private static final DType F = DType.FLOAT;

    @Test
    void sliceWithPositiveAndNegativeSteps() {
        assertEquals(Shape.of(1, 2), op("Slice").in(F, 2, 4).ints(1, 0).ints(2, 3).ints(0, 1).ints(1, 2).shape());
        assertEquals(Shape.of(1, 3), op("Slice").in(F, 2, 4).ints(0, 1).ints(-1, 1000).shape());
        // whole axis reversed: start -1 -> 9, end INT64_MIN clamps to -1
        assertEquals(Shape.of(10, 8), op("Slice").in(F, 10, 8).ints(-1).ints(Long.MIN_VALUE).ints(0).ints(-1).shape());
        // axis 0: 8, 5, 2; axis 1: start -1 -> 7, end -9 -> -1, so 7, 5, 3, 1
        assertEquals(Shape.of(3, 4), op("Slice").in(F, 10, 8).ints(8, -1).ints(1, -9).ints(0, 1).ints(-3, -2).shape());
        assertEquals(Shape.of(0, 8), op("Slice").in(F, 10, 8).ints(3).ints(3).shape());
        assertThrows(InvalidGraphException.class, () -> op("Slice").in(F, 10).ints(0).ints(5).ints(0).ints(0).run());
    }

    @Test
    void sliceKeepsSymbolsOfUntouchedOrWholeAxes() {
        assertEquals(dims("batch", 1, 768), op("Slice").in(F, "batch", 128, 768).ints(0).ints(1).ints(1).shape());
        assertEquals(dims("batch", 64), op("Slice").in(F, "batch", 128).ints(0, 0).ints(Long.MAX_VALUE, 64).shape());
        assertEquals(dims(null, 128), op("Slice").in(F, "batch", 128).ints(1).ints(Long.MAX_VALUE).ints(0).shape());
        // starts unknown: only the sliced axis is unknown
        assertEquals(dims("batch", null), op("Slice").in(F, "batch", 128).in(DType.INT64, 1).ints(5).ints(1).shape());
        // Slice-1 held its arguments as attributes
        assertEquals(Shape.of(2, 4), op("Slice").opset(1).in(F, 5, 4).attr("starts", new long[] {1}).attr("ends", new long[] {3}).shape());
    }

    @Test
    void split() {
        List<ValueType> r = op("Split").in(F, 6, "n").ints(2, 4).outputs(2).run();
        assertEquals(new TensorType(F, dims(2, "n")), r.get(0));
        assertEquals(new TensorType(F, dims(4, "n")), r.get(1));
        List<ValueType> uneven = op("Split").in(F, "n", 10).attr("axis", -1L).attr("num_outputs", 3L).outputs(3).run();
        assertEquals(List.of(new TensorType(F, dims("n", 4)), new TensorType(F, dims("n", 4)), new TensorType(F, dims("n", 2))), uneven);
        assertEquals(new TensorType(F, dims(3)), op("Split").in(F, 6).outputs(2).run().get(1));
        assertThrows(InvalidGraphException.class, () -> op("Split").in(F, 6).ints(2, 3).outputs(2).run());
        assertThrows(InvalidGraphException.class, () -> op("Split").in(F, 7).outputs(2).run());
        // Split-11 held the sizes as an attribute
        assertEquals(new TensorType(F, dims(5)), op("Split").opset(11).in(F, 6).attr("split", 1, 5).outputs(2).run().get(1));
    }

    @Test
    void concat() {
        assertEquals(dims("b", 7, 5), op("Concat").in(F, "b", 3, 5).in(F, "b", 4, 5).attr("axis", 1L).shape());
        assertEquals(dims(2, null), op("Concat").in(F, 2, 3).in(F, 2, "k").attr("axis", -1L).shape());
        // a known size wins over a symbol; an input of unknown shape leaves the concatenated size unknown
        assertEquals(dims(4, null), op("Concat").in(F, "r", 3).in(F, 4, 3).unranked(F).attr("axis", 1L).shape());
        InvalidGraphException e = assertThrows(InvalidGraphException.class,
                () -> op("Concat").in(F, 2, 3).in(F, 4, 5).attr("axis", 0L).run());
        assertTrue(e.getMessage().contains("[2,3]") && e.getMessage().contains("[4,5]"), e.getMessage());
        assertThrows(InvalidGraphException.class, () -> op("Concat").in(F, 2, 3).in(F, 2, 3).run());
    }

    @Test
    void pad() {
        assertEquals(Shape.of(1, 3, 6, 6), op("Pad").in(F, 1, 3, 4, 4).ints(0, 0, 1, 1, 0, 0, 1, 1).shape());
        assertEquals(dims("n", 3, 5, 6), op("Pad").in(F, "n", 3, 4, 4).ints(1, 0, 0, 2).absent().ints(2, 3).shape());
        assertEquals(Shape.of(2, 2), op("Pad").in(F, 4, 4).ints(-1, -1, -1, -1).shape());
        assertEquals(dims(null, 4), op("Pad").in(F, "n", 4).ints(1, 0, 0, 0).shape());
        assertThrows(InvalidGraphException.class, () -> op("Pad").in(F, 4, 4).ints(1, 1).run());
    }

    @Test
    void gatherPlacesIndexDimensionsAtTheAxis() {
        assertEquals(dims(5, 2, 3, 64), op("Gather").in(F, 5, "seq", 64).in(DType.INT64, 2, 3).attr("axis", 1L).shape());
        assertEquals(dims("seq", 64), op("Gather").in(F, 5, "seq", 64).in(DType.INT32).shape());
        // embedding lookup: [vocab, hidden] by [batch, seq] ids
        assertEquals(dims("batch", "seq", 384), op("Gather").in(F, 30522, 384).in(DType.INT64, "batch", "seq").shape());
        assertThrows(InvalidGraphException.class, () -> op("Gather").in(F, 5, 4).in(F, 2).run());
        assertThrows(InvalidGraphException.class, () -> op("Gather").in(F, 5, 4).in(DType.INT64, 2).attr("axis", 2L).run());
    }

    @Test
    void gatherElementsTakesTheIndicesShape() {
        assertEquals(dims(2, "k"), op("GatherElements").in(F, 3, 3).in(DType.INT64, 2, "k").attr("axis", 1L).shape());
        assertThrows(InvalidGraphException.class, () -> op("GatherElements").in(F, 3, 3).in(DType.INT64, 2).run());
    }
}
