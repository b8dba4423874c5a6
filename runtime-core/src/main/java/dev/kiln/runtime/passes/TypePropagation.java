package dev.kiln.runtime.passes;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemas;
import dev.kiln.api.spi.OpsetLookup;
import dev.kiln.api.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forward type and shape propagation over one graph with the registered {@link OpSchemas}. Declared types
 * (graph inputs and outputs, value info, initializers) are kept; an inferred type fills in what is not
 * declared, or a shape where only the element type is. Ops without a schema or inference leave their
 * outputs unknown, so the pass tolerates an empty schema registry. Stateless.
 *
 * <p>Errors: in strict mode, an inference function that finds the inputs invalid for the op fails the
 * pass with its {@link InvalidGraphException}; otherwise (and for any other failure) the problem is logged
 * and the node's outputs stay unknown. Subgraphs are inferred leniently because an If branch that the
 * data never selects may well be invalid for that data.
 */
public final class TypePropagation {
    private static final Logger LOG = LoggerFactory.getLogger(TypePropagation.class);

    private TypePropagation() {
    }

    /**
     * The static type of every value defined in {@code graph} whose type is known or inferable.
     *
     * @param outerTypes    types of values of enclosing graphs (returns null when unknown); never null
     * @param constants     values known before a run, in this graph or an enclosing one (null when not constant)
     * @param strict        whether an op whose inputs cannot be valid fails the pass (else its outputs stay unknown)
     */
    public static Map<String, ValueType> infer(Graph graph, OpsetLookup opsets, Function<String, ValueType> outerTypes,
                                               Function<String, Tensor> constants, boolean strict) {
        Map<String, ValueType> types = new HashMap<>();
        graph.initializers().forEach((name, t) -> types.put(name, new TensorType(t.dtype(), t.shape())));
        for (Value v : graph.inputs()) {
            if (v.type() != null) {
                types.put(v.name(), v.type());
            }
        }
        Function<String, ValueType> lookup = name -> {
            ValueType t = types.get(name);
            return t != null ? t : outerTypes.apply(name);
        };
        for (Node node : graph.nodes()) {
            List<ValueType> inferred = inferNode(node, opsets.version(node.domain()), lookup, constants, strict);
            for (int k = 0; k < node.outputs().size(); k++) {
                String out = node.output(k);
                if (out.isEmpty()) {
                    continue;
                }
                ValueType declared = graph.typeOf(out);
                ValueType guess = inferred != null && k < inferred.size() ? inferred.get(k) : null;
                ValueType chosen = merge(declared, guess);
                if (chosen != null) {
                    types.put(out, chosen);
                }
            }
        }
        return types;
    }

    private static List<ValueType> inferNode(Node node, int opset, Function<String, ValueType> types, Function<String, Tensor> constants,
                                             boolean strict) {
        OpSchema schema = OpSchemas.lookup(node.domain(), node.opType(), opset);
        if (schema == null || schema.inference() == null) {
            return null;
        }
        try {
            return schema.inference().infer(new Context(node, opset, types, constants));
        } catch (InvalidGraphException | InvalidInputException e) {
            if (strict) {
                throw e instanceof InvalidGraphException g ? g : new InvalidGraphException(node.describe() + ": " + e.getMessage());
            }
            LOG.debug("shape inference rejects {} here; its outputs stay unknown: {}", node.describe(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.warn("shape inference for {} failed, its outputs stay unknown: {}", node.describe(), e.toString());
            return null;
        }
    }

    /** A declared type wins; an inferred shape completes a declared element type that has none. */
    static ValueType merge(ValueType declared, ValueType inferred) {
        if (declared == null) {
            return inferred;
        }
        if (declared instanceof TensorType d && d.shape() == null && inferred instanceof TensorType i && i.shape() != null
                && i.elementType() == d.elementType()) {
            return new TensorType(d.elementType(), i.shape());
        }
        return declared;
    }

    private record Context(Node node, int opsetVersion, Function<String, ValueType> types, Function<String, Tensor> constants)
            implements InferenceContext {
        @Override
        public int inputCount() {
            return node.inputs().size();
        }

        @Override
        public ValueType inputType(int i) {
            return node.hasInput(i) ? types.apply(node.input(i)) : null;
        }

        @Override
        public Tensor constantInput(int i) {
            return node.hasInput(i) ? constants.apply(node.input(i)) : null;
        }
    }
}
