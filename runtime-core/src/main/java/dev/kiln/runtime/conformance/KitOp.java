package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import dev.kiln.api.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * One op the kit knows how to generate cases for.
 *
 * @param opType     the ai.onnx op type
 * @param shape      how its inputs are shaped
 * @param types      element types to try, each only when the candidate claims the op for it
 * @param range      the values its inputs draw from
 * @param attributes attribute variants (name to Float, Long or long[]); one empty map when the op has none
 * @param tolerance  how close floating-point results must be
 */
@Experimental
public record KitOp(String opType, ShapeKind shape, List<DType> types, ValueRange range, List<Map<String, Object>> attributes,
                    Tolerance tolerance) {
    /** The input pattern, which decides the edge shapes generated. */
    public enum ShapeKind {
        /** One input, output of the same shape. */
        UNARY,
        /** Two inputs broadcast against each other. */
        BINARY,
        /** Numpy matmul: 1-D promotion, batch broadcasting, empty and odd sizes. */
        MATMUL,
        /** One input of rank 1 or more with an {@code axis} attribute. */
        AXIS
    }

    /** The values inputs draw from, chosen so that every op is defined on them. */
    public enum ValueRange {
        /** Roughly [-4, 4], with special values (0, -0) mixed in for floats. */
        ANY,
        /** (0.1, 4]: for Log, Sqrt and the base of Pow. */
        POSITIVE,
        /** No zeros in the second input: for Div on integers. */
        NONZERO_DIVISOR
    }

    public KitOp {
        attributes = attributes.isEmpty() ? List.of(Map.of()) : List.copyOf(attributes);
        types = List.copyOf(types);
    }
}
