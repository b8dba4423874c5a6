package dev.kiln.runtime.testing;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;

/** Shorthands for building test graphs with the IR builder. */
public final class Graphs {
    /** The ai.onnx opset test models import. */
    public static final int OPSET = 17;

    private Graphs() {
    }

    /** A tensor value; each dim is a Number (known), a String (symbolic) or null (unknown). */
    public static Value tensor(String name, DType type, Object... dims) {
        return new Value(name, new ValueType.TensorType(type, Shape.symbolic(dims)));
    }

    public static Value floats(String name, Object... dims) {
        return tensor(name, DType.FLOAT, dims);
    }

    /** A float tensor value whose rank is unknown. */
    public static Value floatsOfAnyShape(String name) {
        return new Value(name, new ValueType.TensorType(DType.FLOAT, null));
    }

    public static Node node(String op, String[] inputs, String... outputs) {
        return Node.builder(op).name(op.toLowerCase() + "_" + outputs[0]).inputs(inputs).outputs(outputs).build();
    }

    public static String[] in(String... names) {
        return names;
    }

    public static Model model(Graph g) {
        return Model.builder(g).opset("", OPSET).build();
    }
}
