package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class ReductionSchemasTest {
    private static final DType F = DType.FLOAT;

    @Test
    void reduceWithConstantAxesAndKeepdims() {
        assertEquals(dims("b", 128, 1), op("ReduceMean").in(F, "b", 128, 384).ints(-1).shape());
        assertEquals(dims("b", 128), op("ReduceMean").in(F, "b", 128, 384).ints(-1).attr("keepdims", 0L).shape());
        assertEquals(dims("b"), op("ReduceSum").in(F, "b", 128, 384).ints(2, 1).attr("keepdims", 0L).shape());
        assertEquals(new TensorType(DType.INT32, dims(1, 4)), op("ReduceMax").in(DType.INT32, 3, 4).ints(0).out());
        assertThrows(InvalidGraphException.class, () -> op("ReduceL2").in(F, 3, 4).ints(2).run());
    }

    @Test
    void reduceWithoutAxes() {
        assertEquals(Shape.of(1, 1, 1), op("ReduceSum").in(F, 2, 3, 4).shape());
        assertEquals(Shape.scalar(), op("ReduceProd").in(F, 2, 3, 4).attr("keepdims", 0L).shape());
        assertEquals(dims("n", 3), op("ReduceSum").in(F, "n", 3).attr("noop_with_empty_axes", 1L).shape());
        assertEquals(Shape.of(1, 1), op("ReduceLogSumExp").in(F, 2, 3).ints().shape());
    }

    @Test
    void reduceWithAxesOfUnknownValueKnowsTheRank() {
        assertEquals(dims(null, 1, null), op("ReduceMean").in(F, "b", 1, 384).in(DType.INT64, 1).shape());
        assertEquals(dims((Object) null), op("ReduceMean").in(F, "b", 1, 384).in(DType.INT64, 2).attr("keepdims", 0L).shape());
        assertNull(op("ReduceMean").in(F, "b", 1, 384).in(DType.INT64, (Object) null).attr("keepdims", 0L).shape());
    }

    @Test
    void olderOpsetsReadAxesFromTheAttribute() {
        assertEquals(dims("b", 1), op("ReduceMean").opset(13).in(F, "b", 7).attr("axes", new long[] {1}).shape());
        assertEquals(dims(4), op("ReduceSum").opset(11).in(F, 3, 4).attr("axes", new long[] {0}).attr("keepdims", 0L).shape());
    }

    @Test
    void argMaxAndArgMinGiveInt64() {
        assertEquals(new TensorType(DType.INT64, dims("b", 1)), op("ArgMax").in(F, "b", 10).attr("axis", 1L).out());
        assertEquals(new TensorType(DType.INT64, dims(10)), op("ArgMin").in(F, "b", 10).attr("keepdims", 0L).out());
        assertEquals(new TensorType(DType.INT64, null), op("ArgMax").untyped().out());
        assertThrows(InvalidGraphException.class, () -> op("ArgMax").in(F, 3).attr("axis", 1L).run());
    }
}
