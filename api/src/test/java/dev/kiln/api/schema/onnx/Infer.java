package dev.kiln.api.schema.onnx;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemas;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one node with typed (and optionally constant) inputs, finds its schema through
 * {@link OpSchemas#lookup} as the runtime would, checks the arity and runs the inference.
 */
final class Infer {
    private final Node.Builder node;
    private final String opType;
    private final List<ValueType> types = new ArrayList<>();
    private final Map<Integer, Tensor> constants = new HashMap<>();
    private int opset = 25;
    private int outputs = 1;

    private Infer(String opType) {
        this.opType = opType;
        this.node = Node.builder(opType).name("n");
    }

    static Infer op(String opType) {
        return new Infer(opType);
    }

    /** An input of the given element type whose dimensions are Numbers, symbolic Strings or null. */
    Infer in(DType type, Object... dims) {
        return in(new TensorType(type, Shape.symbolic(dims)));
    }

    Infer in(ValueType type) {
        node.input("x" + types.size());
        types.add(type);
        return this;
    }

    /** An input whose rank is unknown. */
    Infer unranked(DType type) {
        return in(new TensorType(type, null));
    }

    /** An input whose type is not known at all. */
    Infer untyped() {
        return in((ValueType) null);
    }

    /** A constant input (an initializer): its type and its value are known. */
    Infer constant(Tensor value) {
        constants.put(types.size(), value);
        return in(new TensorType(value.dtype(), value.shape()));
    }

    Infer ints(long... values) {
        return constant(Tensor.of(values, values.length));
    }

    Infer absent() {
        node.input("");
        types.add(null);
        return this;
    }

    Infer attr(String name, long v) {
        node.attr(name, v);
        return this;
    }

    Infer attr(String name, long... v) {
        node.attr(name, v);
        return this;
    }

    Infer attr(String name, float v) {
        node.attr(name, v);
        return this;
    }

    Infer attr(String name, String v) {
        node.attr(name, v);
        return this;
    }

    Infer attr(String name, Tensor v) {
        node.attr(name, v);
        return this;
    }

    Infer attr(Attribute a) {
        node.attribute(a);
        return this;
    }

    Infer opset(int v) {
        this.opset = v;
        return this;
    }

    Infer outputs(int n) {
        this.outputs = n;
        return this;
    }

    List<ValueType> run() {
        for (int k = 0; k < outputs; k++) {
            node.output("y" + k);
        }
        Node built = node.build();
        OpSchema schema = OpSchemas.lookup("", opType, opset);
        assertNotNull(schema, opType + " has no schema at opset " + opset);
        assertNull(schema.checkArity(built));
        assertNotNull(schema.inference(), opType + " has no inference");
        List<ValueType> result = schema.inference().infer(new Ctx(built, opset, types, constants));
        assertNotNull(result);
        return result;
    }

    /** Output {@code k}'s tensor type. */
    TensorType out(int k) {
        return (TensorType) run().get(k);
    }

    TensorType out() {
        return out(0);
    }

    Shape shape() {
        TensorType t = out();
        assertNotNull(t, opType + " inferred no type");
        return t.shape();
    }

    static Shape dims(Object... dims) {
        return Shape.symbolic(dims);
    }

    private record Ctx(Node node, int opsetVersion, List<ValueType> types, Map<Integer, Tensor> constants) implements InferenceContext {
        @Override
        public int inputCount() {
            return node.inputs().size();
        }

        @Override
        public ValueType inputType(int i) {
            return i < types.size() ? types.get(i) : null;
        }

        @Override
        public Tensor constantInput(int i) {
            return constants.get(i);
        }
    }
}
