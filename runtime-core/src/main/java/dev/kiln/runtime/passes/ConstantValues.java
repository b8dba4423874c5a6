package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the values of a graph known before any run: initializers that are not graph inputs (an
 * initializer that is also an input is only a default the caller may override) and the outputs of
 * {@code Constant} nodes. Subgraphs are not searched; each scope is asked separately. Stateless.
 */
public final class ConstantValues {
    private ConstantValues() {
    }

    /** The constant values defined in {@code graph} itself, by value name; the tensors are the graph's own (not copies). */
    public static Map<String, Tensor> find(Graph graph) {
        Set<String> inputs = new HashSet<>();
        for (Value v : graph.inputs()) {
            inputs.add(v.name());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        graph.initializers().forEach((name, t) -> {
            if (!inputs.contains(name)) {
                out.put(name, t);
            }
        });
        for (Node n : graph.nodes()) {
            if (n.domain().equals(Model.ONNX_DOMAIN) && n.opType().equals("Constant") && !n.output(0).isEmpty()) {
                Tensor t = constantNodeValue(n);
                if (t != null) {
                    out.put(n.output(0), t);
                }
            }
        }
        return out;
    }

    /** The value a Constant node produces, or null when its attributes do not describe exactly one value. */
    public static Tensor constantNodeValue(Node n) {
        Tensor found = null;
        int count = 0;
        for (Attribute a : n.attributes().values()) {
            Tensor t = switch (a.name()) {
                case "value", "sparse_value" -> a.asTensor();
                case "value_float" -> Tensor.scalar(a.asFloat());
                case "value_floats" -> {
                    float[] f = a.asFloats();
                    yield Tensor.of(f, f.length);
                }
                case "value_int" -> Tensor.scalar(a.asLong());
                case "value_ints" -> {
                    long[] l = a.asLongs();
                    yield Tensor.of(l, l.length);
                }
                case "value_string" -> Tensor.scalar(a.asString());
                case "value_strings" -> {
                    List<String> s = a.asStrings();
                    yield Tensor.of(s.toArray(new String[0]), s.size());
                }
                default -> null;
            };
            if (t != null) {
                found = t;
                count++;
            }
        }
        return count == 1 ? found : null;
    }
}
