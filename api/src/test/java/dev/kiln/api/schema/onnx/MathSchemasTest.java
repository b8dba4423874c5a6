package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class MathSchemasTest {
    private static final DType F = DType.FLOAT;

    @Test
    void broadcastsConcreteShapes() {
        assertEquals(Shape.of(2, 3, 4), op("Add").in(F, 2, 1, 4).in(F, 3, 1).shape());
        assertEquals(Shape.of(2, 3, 4), op("Mul").in(F, 3, 1).in(F, 2, 1, 4).shape());
        assertEquals(Shape.of(0, 5), op("Sub").in(F, 0, 1).in(F, 5).shape());
        assertEquals(Shape.scalar(), op("Div").in(F).in(F).shape());
    }

    @Test
    void broadcastKeepsSymbolsWherePossible() {
        assertEquals(dims("batch", 12, "seq"), op("Add").in(F, "batch", 1, "seq").in(F, 1, 12, 1).shape());
        assertEquals(dims("batch", "seq"), op("Add").in(F, "batch", "seq").in(F, "batch", 1).shape());
        // a known size other than 1 decides; two different symbols cannot be resolved
        assertEquals(dims(5, (Object) null), op("Add").in(F, "n", "a").in(F, 5, "b").shape());
        assertEquals(dims((Object) null), op("Add").in(F, (Object) null).in(F, 1).shape());
    }

    @Test
    void incompatibleBroadcastNamesBothShapes() {
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> op("Add").in(F, 2, 3).in(F, 4, 3).run());
        assertTrue(e.getMessage().contains("[2,3]") && e.getMessage().contains("[4,3]"), e.getMessage());
        assertTrue(e.getMessage().contains("'n'"), e.getMessage());
        InvalidGraphException three = assertThrows(InvalidGraphException.class,
                () -> op("Where").in(DType.BOOL, "b", 1).in(F, 1, 7).in(F, 1, 8).run());
        assertTrue(three.getMessage().contains("[1,7]") && three.getMessage().contains("[1,8]"), three.getMessage());
    }

    @Test
    void rejectsMixedElementTypes() {
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> op("Add").in(F, 2).in(DType.INT64, 2).run());
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void unknownRankGivesTypeWithoutShape() {
        assertEquals(new TensorType(F, null), op("Add").in(F, 2).unranked(F).out());
        assertEquals(new TensorType(DType.BOOL, null), op("Less").untyped().untyped().out());
    }

    @Test
    void comparisonsAndLogicGiveBool() {
        assertEquals(new TensorType(DType.BOOL, dims("b", 4)), op("Equal").in(DType.INT64, "b", 1).in(DType.INT64, 4).out());
        assertEquals(new TensorType(DType.BOOL, dims(3)), op("And").in(DType.BOOL, 3).in(DType.BOOL, 1).out());
        assertEquals(new TensorType(DType.BOOL, dims(2, 2)), op("IsNaN").in(F, 2, 2).out());
        assertEquals(new TensorType(DType.BOOL, dims(2)), op("Not").in(DType.BOOL, 2).out());
        assertThrows(InvalidGraphException.class, () -> op("Not").in(F, 2).run());
    }

    @Test
    void variadicWhereAndPow() {
        assertEquals(Shape.of(4, 2, 3), op("Sum").in(F, 2, 3).in(F, 4, 1, 1).in(F, 3).shape());
        assertEquals(Shape.of(5), op("Max").in(F, 5).shape());
        assertEquals(new TensorType(DType.INT32, dims("n", 6)), op("Where").in(DType.BOOL, "n", 1).in(DType.INT32, 6).in(DType.INT32, 1, 1).out());
        assertEquals(new TensorType(F, dims(2, 3)), op("Pow").in(F, 2, 3).in(DType.INT64).out());
    }

    @Test
    void unaryOpsKeepTypeAndSymbols() {
        for (String unary : List.of("Relu", "Gelu", "Erf", "Sqrt", "Tanh", "Sigmoid", "Softplus", "Atanh", "Celu", "Identity")) {
            assertEquals(new TensorType(DType.FLOAT16, dims("batch", 128)), op(unary).in(DType.FLOAT16, "batch", 128).out(), unary);
        }
        assertEquals(new TensorType(F, dims(3, 4)), op("Clip").in(F, 3, 4).absent().in(F).out());
        assertEquals(new TensorType(F, dims(2, 5)), op("PRelu").in(F, 2, 5).in(F, 5).out());
        assertThrows(InvalidGraphException.class, () -> op("PRelu").in(F, 2, 5).in(F, 3).run());
    }

    @Test
    void matMulBroadcastsBatchAndPromotesVectors() {
        assertEquals(dims("batch", 128, 1536), op("MatMul").in(F, "batch", 128, 384).in(F, 384, 1536).shape());
        assertEquals(Shape.of(2, 5, 3, 6), op("MatMul").in(F, 2, 1, 3, 4).in(F, 5, 4, 6).shape());
        assertEquals(Shape.of(4), op("MatMul").in(F, 3).in(F, 3, 4).shape());
        assertEquals(Shape.of(2, 3), op("MatMul").in(F, 2, 3, 4).in(F, 4).shape());
        assertEquals(Shape.scalar(), op("MatMul").in(F, 3).in(F, 3).shape());
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> op("MatMul").in(F, 2, 3).in(F, 4, 5).run());
        assertTrue(e.getMessage().contains("[2,3]") && e.getMessage().contains("[4,5]"), e.getMessage());
    }

    @Test
    void gemmHonoursTransposesAndChecksBias() {
        assertEquals(Shape.of(2, 4), op("Gemm").in(F, 2, 3).in(F, 4, 3).in(F, 4).attr("transB", 1L).shape());
        assertEquals(dims("m", 4), op("Gemm").in(F, 3, "m").in(F, 3, 4).attr("transA", 1L).shape());
        assertThrows(InvalidGraphException.class, () -> op("Gemm").in(F, 2, 3).in(F, 4, 3).in(F, 3).attr("transB", 1L).run());
        assertThrows(InvalidGraphException.class, () -> op("Gemm").in(F, 2, 3).in(F, 4, 3).run());
    }

    @Test
    void einsumFollowsTheEquation() {
        assertEquals(dims("b", 2, 5), op("Einsum").in(F, "b", 2, 3).in(F, "b", 3, 5).attr("equation", "bij,bjk->bik").shape());
        assertEquals(Shape.of(2, 5), op("Einsum").in(F, 2, 3).in(F, 3, 5).attr("equation", "ij, jk").shape());
        assertEquals(Shape.of(7, 2, 5), op("Einsum").in(F, 7, 2, 3).in(F, 1, 3, 5).attr("equation", "...ij,...jk->...ik").shape());
        assertEquals(Shape.of(3, 2), op("Einsum").in(F, 2, 3).attr("equation", "ij->ji").shape());
        // an input of unknown rank still leaves the explicit output's rank and the other input's sizes
        assertEquals(dims(null, 5), op("Einsum").unranked(F).in(F, 3, 5).attr("equation", "ij,jk->ik").shape());
        assertThrows(InvalidGraphException.class, () -> op("Einsum").in(F, 2, 3).attr("equation", "ijk->i").run());
    }

    @Test
    void softmaxTopKAndCumSum() {
        assertEquals(dims("b", 12, "s", "s"), op("Softmax").in(F, "b", 12, "s", "s").attr("axis", -1L).shape());
        assertThrows(InvalidGraphException.class, () -> op("Softmax").in(F, 2, 3).attr("axis", 2L).run());
        List<ValueType> topk = op("TopK").in(F, "b", 100).ints(5).outputs(2).run();
        assertEquals(new TensorType(F, dims("b", 5)), topk.get(0));
        assertEquals(new TensorType(DType.INT64, dims("b", 5)), topk.get(1));
        assertThrows(InvalidGraphException.class, () -> op("TopK").in(F, 3, 4).ints(5).outputs(2).run());
        assertEquals(dims(3, null), op("TopK").in(F, 3, 4).in(DType.INT64, 1).outputs(2).shape());
        assertEquals(dims(3, 4), op("CumSum").in(F, 3, 4).ints(1).shape());
    }

    @Test
    void legacyBroadcastAttributeKeepsFirstShape() {
        assertEquals(Shape.of(2, 3, 4), op("Add").opset(6).in(F, 2, 3, 4).in(F, 3).attr("broadcast", 1L).attr("axis", 1L).shape());
        assertNull(op("Add").untyped().untyped().run().get(0));
    }
}
