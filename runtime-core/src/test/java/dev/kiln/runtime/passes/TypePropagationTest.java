package dev.kiln.runtime.passes;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.testing.Graphs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypePropagationTest {
    private static Map<String, ValueType> infer(Graph g) {
        Map<String, Tensor> constants = ConstantValues.find(g);
        return TypePropagation.infer(g, domain -> domain.isEmpty() ? Graphs.OPSET : -1, name -> null, constants::get, true);
    }

    @Test
    void shapesFlowThroughOpsWithSchemas() {
        Graph g = Graph.builder("g").input(floats("x", "batch", 4)).output(floats("y", "batch", 3))
                .initializer("w", Tensor.zeros(DType.FLOAT, 4, 3)).initializer("b", Tensor.zeros(DType.FLOAT, 3))
                .node(node("MatMul", in("x", "w"), "h")).node(node("Add", in("h", "b"), "z")).node(node("Relu", in("z"), "y")).build();
        Map<String, ValueType> types = infer(g);
        assertEquals(ValueType.tensor(DType.FLOAT, Shape.symbolic("batch", 3L)), types.get("h"));
        assertEquals(ValueType.tensor(DType.FLOAT, Shape.symbolic("batch", 3L)), types.get("z"));
        assertEquals(ValueType.tensor(DType.FLOAT, 4, 3), types.get("w"));
    }

    @Test
    void opsWithoutASchemaLeaveTheirOutputsUnknownAndTheRestGoesOn() {
        Node custom = Node.builder("Mystery").domain("com.example").name("m").input("x").output("u").build();
        Graph g = Graph.builder("g").input(floats("x", 2)).output(floats("y", 2)).node(custom).node(node("Relu", in("x"), "y")).build();
        Map<String, ValueType> types = infer(g);
        assertNull(types.get("u"));
        assertEquals(ValueType.tensor(DType.FLOAT, 2), types.get("y"));
    }

    @Test
    void constantsFeedShapeInference() {
        Node shape = Node.builder("Constant").name("shape").output("s").attr("value", Tensor.of(new long[] {3, 2}, 2)).build();
        Graph g = Graph.builder("g").input(floats("x", 6)).output(floats("y", null, null)).node(shape)
                .node(node("Reshape", in("x", "s"), "y")).build();
        Map<String, ValueType> types = infer(g);
        assertEquals(ValueType.tensor(DType.FLOAT, Shape.symbolic(null, null)), types.get("y"), "a declared output type is kept");
        assertEquals(ValueType.tensor(DType.INT64, 2), types.get("s"));
    }

    @Test
    void inputsThatCannotBeValidFailNamingTheNode() {
        Graph g = Graph.builder("g").input(floats("a", 2, 3)).input(floats("b", 4, 5)).output(floats("y", 2, 5))
                .node(node("MatMul", in("a", "b"), "y")).build();
        InvalidGraphException e = assertThrows(InvalidGraphException.class, () -> infer(g));
        assertTrue(e.getMessage().contains("matmul_y"), e.getMessage());
        Map<String, ValueType> lenient = TypePropagation.infer(g, domain -> Graphs.OPSET, name -> null, name -> null, false);
        assertEquals(ValueType.tensor(DType.FLOAT, 2, 5), lenient.get("y"), "lenient mode keeps the declared type and goes on");
    }

    @Test
    void constantValuesAreInitializersThatAreNotInputsAndConstantNodes() {
        Node c = Node.builder("Constant").name("c").output("k").attr("value_ints", 1L, 2L).build();
        Graph g = Graph.builder("g").input(floats("x", 2)).input(floats("dflt", 2)).output(floats("x", 2))
                .initializer("dflt", Tensor.zeros(DType.FLOAT, 2)).initializer("w", Tensor.zeros(DType.FLOAT, 2)).node(c).build();
        Map<String, Tensor> constants = ConstantValues.find(g);
        assertEquals(java.util.Set.of("w", "k"), constants.keySet(), "an initializer that is also an input may be overridden");
        assertEquals(2, constants.get("k").elementCount());
    }
}
