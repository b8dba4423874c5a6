package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Constant: the typed shorthand attributes (value_float, value_ints, value_string, ...) arrived in
 * opset 12 and sparse_value in 11. Kiln keeps them; writing an older opset turns a shorthand into the
 * equivalent 'value' tensor. A sparse value is refused there.
 */
final class ConstantAdapter implements OpsetAdapter {
    @Override
    public Set<String> opTypes() {
        return Set.of("Constant");
    }

    @Override
    public boolean applies(Node node, int opset) {
        return false;
    }

    @Override
    public List<Node> adapt(Node node, AdapterContext ctx) {
        return List.of(node);
    }

    @Override
    public int minimumOpset(Node canonical) {
        if (canonical.hasAttribute("value")) {
            return 1;
        }
        return canonical.hasAttribute("sparse_value") ? 11 : 12;
    }

    @Override
    public List<Node> downgrade(Node canonical, AdapterContext ctx) {
        if (canonical.attributes().size() != 1) {
            throw AdapterSupport.unsupported(canonical, ctx, "a Constant needs exactly one value attribute");
        }
        Attribute a = canonical.attributes().values().iterator().next();
        Tensor t = switch (a.name()) {
            case "value_float" -> Tensor.scalar(a.asFloat());
            case "value_floats" -> Tensor.of(a.asFloats(), a.asFloats().length);
            case "value_int" -> Tensor.scalar(a.asLong());
            case "value_ints" -> Tensor.of(a.asLongs(), a.asLongs().length);
            case "value_string" -> Tensor.scalar(a.asString());
            case "value_strings" -> Tensor.of(a.asStrings().toArray(new String[0]), a.asStrings().size());
            default -> throw AdapterSupport.unsupported(canonical, ctx, "attribute '" + a.name() + "' needs ai.onnx opset "
                    + minimumOpset(canonical) + " or later");
        };
        return List.of(canonical.toBuilder().removeAttribute(a.name()).attr("value", t).build());
    }
}
