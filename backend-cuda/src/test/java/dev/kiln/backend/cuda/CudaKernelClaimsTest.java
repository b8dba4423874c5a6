package dev.kiln.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Needs no GPU: what the CUDA backend claims, which decides what the partitioner sends to the CPU. */
class CudaKernelClaimsTest {
    private static final CudaKernelRegistry REGISTRY = CudaKernelRegistry.defaultRegistry();

    private static ValueType t(DType type, long... dims) {
        return new ValueType.TensorType(type, Shape.of(dims));
    }

    private static boolean claims(Node n, ValueType... types) {
        return CudaBackend.claims(REGISTRY, new NodeQuery(n, n.domain().isEmpty() ? 17 : 1, Arrays.asList(types)));
    }

    private static Node node(String op, int inputs) {
        String[] in = new String[inputs];
        for (int i = 0; i < inputs; i++) {
            in[i] = "i" + i;
        }
        return Node.builder(op).name(op).inputs(in).outputs("y").build();
    }

    @Test
    void registersEveryOpOfMiniLmAndAResNetAndTheOptimizers() {
        Set<String> onnx = REGISTRY.ops().get("");
        List<String> missing = new ArrayList<>();
        for (String op : List.of("MatMul", "Gemm", "Add", "Mul", "Sub", "Div", "Pow", "Sqrt", "Erf", "Tanh", "Relu", "Softmax",
                "ReduceMean", "ReduceSum", "LayerNormalization", "Gather", "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
                "Cast", "CastLike", "Where", "Conv", "MaxPool", "GlobalAveragePool", "BatchNormalization", "Concat", "Slice",
                "Shape", "Expand", "Neg", "Exp", "Sigmoid", "Equal", "Greater", "Less")) {
            if (!onnx.contains(op)) {
                missing.add(op);
            }
        }
        assertTrue(missing.isEmpty(), "not registered: " + missing);
        assertTrue(REGISTRY.ops().get("ai.onnx.preview.training").contains("Adam"));
        assertTrue(REGISTRY.ops().get("dev.kiln.training").contains("AdamW"));
        assertEquals(new TreeSet<>(List.of("FusedMatMul", "Gelu", "LayerNormalization", "MultiHeadAttention")), REGISTRY.ops().get("dev.kiln"));
    }

    @Test
    void claimsFloat32ComputeOnly() {
        assertTrue(claims(node("Add", 2), t(DType.FLOAT, 2, 3), t(DType.FLOAT, 3)));
        assertFalse(claims(node("Add", 2), t(DType.INT64, 2), t(DType.INT64, 2)), "integer arithmetic is shape math: CPU");
        assertFalse(claims(node("Add", 2), t(DType.DOUBLE, 2), t(DType.DOUBLE, 2)));
        assertFalse(claims(node("Add", 2), null, t(DType.FLOAT, 2)), "an unknown input type is refused");
        assertTrue(claims(node("MatMul", 2), t(DType.FLOAT, 4, 8), t(DType.FLOAT, 8, 2)));
        assertFalse(claims(node("MatMul", 2), t(DType.INT32, 4, 8), t(DType.INT32, 8, 2)));
    }

    @Test
    void refusesOpsAndAttributesItDoesNotImplement() {
        assertFalse(claims(node("LSTM", 3), t(DType.FLOAT, 1, 1, 1), t(DType.FLOAT, 1, 4, 1), t(DType.FLOAT, 1, 4, 1)));
        assertFalse(claims(node("ConvTranspose", 2), t(DType.FLOAT, 1, 1, 4, 4), t(DType.FLOAT, 1, 1, 3, 3)));
        Node ceil = Node.builder("MaxPool").name("p").input("x").output("y").attr("kernel_shape", 2L, 2L).attr("ceil_mode", 1L).build();
        assertFalse(claims(ceil, t(DType.FLOAT, 1, 1, 4, 4)));
        Node plain = Node.builder("MaxPool").name("p").input("x").output("y").attr("kernel_shape", 2L, 2L).build();
        assertTrue(claims(plain, t(DType.FLOAT, 1, 1, 4, 4)));
        Node indices = Node.builder("MaxPool").name("p").input("x").outputs("y", "idx").attr("kernel_shape", 2L, 2L).build();
        assertFalse(claims(indices, t(DType.FLOAT, 1, 1, 4, 4)), "the Indices output is not implemented");
        assertFalse(claims(node("Conv", 2), t(DType.FLOAT, 1, 1, 8), t(DType.FLOAT, 1, 1, 3)), "1-D conv is not implemented");
        Node training = Node.builder("BatchNormalization").name("bn").inputs("x", "s", "b", "m", "v").output("y").attr("training_mode", 1L).build();
        ValueType c = t(DType.FLOAT, 3);
        assertFalse(claims(training, t(DType.FLOAT, 2, 3, 4, 4), c, c, c, c));
        Node fused = Node.builder("FusedMatMul").domain("dev.kiln").name("f").inputs("a", "b").output("y").attr("activation", "HardSwish").build();
        assertFalse(claims(fused, t(DType.FLOAT, 2, 2), t(DType.FLOAT, 2, 2)), "an activation the epilogue lacks");
    }

    @Test
    void movesDataButLeavesIntegerDataMovementToTheCpu() {
        Node transpose = Node.builder("Transpose").name("t").input("x").output("y").build();
        assertTrue(claims(transpose, t(DType.FLOAT, 2, 3)));
        assertFalse(claims(transpose, t(DType.INT64, 2, 3)));
        assertTrue(claims(node("Reshape", 2), t(DType.INT64, 6), t(DType.INT64, 2)), "a view moves no bytes, whatever the type");
        assertTrue(claims(node("Shape", 1), t(DType.FLOAT, 2, 3)));
        assertTrue(claims(node("Gather", 2), t(DType.FLOAT, 100, 8), t(DType.INT64, 4, 5)));
        Node cast = Node.builder("Cast").name("c").input("x").output("y").attr("to", (long) DType.FLOAT.code()).build();
        assertTrue(claims(cast, t(DType.INT64, 8, 128)));
        Node toHalf = Node.builder("Cast").name("c").input("x").output("y").attr("to", (long) DType.FLOAT16.code()).build();
        assertFalse(claims(toHalf, t(DType.FLOAT, 8)));
    }

    @Test
    void claimsOptimizersOnlyForFloat32Variables() {
        Node adam = Node.builder("Adam").domain("ai.onnx.preview.training").name("a").inputs("r", "t", "x", "g", "v", "h")
                .outputs("x2", "v2", "h2").build();
        ValueType f = t(DType.FLOAT, 4);
        assertTrue(claims(adam, t(DType.FLOAT), t(DType.INT64), f, f, f, f));
        assertFalse(claims(adam, t(DType.FLOAT), t(DType.INT64), t(DType.DOUBLE, 4), f, f, f));
    }
}
