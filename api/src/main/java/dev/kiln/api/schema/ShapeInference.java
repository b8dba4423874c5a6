package dev.kiln.api.schema;

import dev.kiln.api.ir.ValueType;
import java.util.List;

/**
 * Computes a node's output types from its input types. Returns one entry per declared output; an entry
 * is null when it cannot be determined. Throws {@link dev.kiln.api.InvalidInputException} or
 * {@link dev.kiln.api.ir.InvalidGraphException} when the inputs cannot be valid for the op.
 */
@FunctionalInterface
public interface ShapeInference {
    List<ValueType> infer(InferenceContext ctx);
}
