package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import java.util.List;

/**
 * The last step of writing a node at an older opset: the op must exist there, and every attribute,
 * input and output the node uses must exist in that opset's version of the op, required inputs must
 * be given, and inputs of statically known element type must have a type that version accepts. An attribute the older
 * version lacks is dropped only when it holds the default of the version that introduced it, so the
 * meaning is unchanged; anything else is refused. Trailing empty inputs and outputs are trimmed.
 */
final class FormCheck {
    private FormCheck() {
    }

    static Node fit(Node n, AdapterContext ctx) {
        int opset = ctx.opset();
        OpForms.History h = OpForms.of(n.opType());
        if (h == null) {
            throw AdapterSupport.unsupported(n, ctx, "'" + n.opType() + "' is not an ai.onnx operator");
        }
        if (!h.existsAt(opset)) {
            throw AdapterSupport.unsupported(n, ctx, opset < h.introduced()
                    ? n.opType() + " was introduced in ai.onnx opset " + h.introduced()
                    : n.opType() + " was removed in ai.onnx opset " + h.removedAt());
        }
        OpForms.Form f = h.formAt(opset);
        if (!f.described()) {
            return n;
        }
        String version = n.opType() + "-" + f.since() + " (the form in force at ai.onnx opset " + opset + ")";
        Node.Builder b = n.toBuilder();
        for (Attribute a : n.attributes().values()) {
            if (f.attributes().containsKey(a.name())) {
                continue;
            }
            if (!holdsDefault(h, a)) {
                throw AdapterSupport.unsupported(n, ctx, "attribute '" + a.name() + "' = " + a + " does not exist in " + version);
            }
            b.removeAttribute(a.name());
        }
        List<String> ins = trimmed(n.inputs());
        List<String> outs = trimmed(n.outputs());
        if (f.maxInputs() >= 0 && ins.size() > f.maxInputs()) {
            throw AdapterSupport.unsupported(n, ctx, "input " + f.maxInputs() + " ('" + ins.get(f.maxInputs()) + "') does not exist in " + version);
        }
        for (int i = 0; i < Math.max(ins.size(), f.inputs().size()); i++) {
            OpForms.Input decl = f.input(i);
            String name = i < ins.size() ? ins.get(i) : "";
            if (decl == null || (decl.variadic() && i >= ins.size())) {
                continue;
            }
            if (name.isEmpty()) {
                if (!decl.optional() && !decl.variadic()) {
                    throw AdapterSupport.unsupported(n, ctx, "input " + i + " is required in " + version + " but the node leaves it out");
                }
                continue;
            }
            DType t = AdapterSupport.elementType(ctx, name);
            if (t != null && !decl.accepts(t)) {
                throw AdapterSupport.unsupported(n, ctx, "input " + i + " ('" + name + "') has element type " + OpForms.onnxName(t)
                        + ", which " + version + " does not accept");
            }
        }
        if (f.maxOutputs() >= 0 && outs.size() > f.maxOutputs()) {
            throw AdapterSupport.unsupported(n, ctx, "output " + f.maxOutputs() + " ('" + outs.get(f.maxOutputs()) + "') does not exist in " + version);
        }
        return b.clearInputs().inputs(ins).clearOutputs().outputs(outs).build();
    }

    /** True when the attribute holds the default given by the newest version of the op that has it. */
    private static boolean holdsDefault(OpForms.History h, Attribute a) {
        String def = null;
        for (OpForms.Form f : h.forms()) {
            if (f.attributes().containsKey(a.name())) {
                def = f.attributes().get(a.name());
            }
        }
        if (def == null) {
            return false;
        }
        try {
            return switch (a.type()) {
                case INT -> a.asLong() == Long.parseLong(def);
                case FLOAT -> a.asFloat() == Float.parseFloat(def);
                case STRING -> a.asString().equals(def);
                default -> false;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> trimmed(List<String> names) {
        int n = names.size();
        while (n > 0 && names.get(n - 1).isEmpty()) {
            n--;
        }
        return names.subList(0, n);
    }
}
