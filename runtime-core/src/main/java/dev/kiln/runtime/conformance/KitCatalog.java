package dev.kiln.runtime.conformance;

import static dev.kiln.runtime.conformance.KitOp.ShapeKind.AXIS;
import static dev.kiln.runtime.conformance.KitOp.ShapeKind.BINARY;
import static dev.kiln.runtime.conformance.KitOp.ShapeKind.MATMUL;
import static dev.kiln.runtime.conformance.KitOp.ShapeKind.UNARY;
import static dev.kiln.runtime.conformance.KitOp.ValueRange.ANY;
import static dev.kiln.runtime.conformance.KitOp.ValueRange.NONZERO_DIVISOR;
import static dev.kiln.runtime.conformance.KitOp.ValueRange.POSITIVE;

import dev.kiln.api.Experimental;
import dev.kiln.api.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ops the kit generates cases for, with their attribute variants and tolerances. The variants follow the
 * attributes the ONNX spec defines for each op: the default (attribute absent) and values away from it.
 * Kiln's op schemas carry arity and shape inference but not attributes, so the variants are listed here;
 * {@code KitCatalogTest} checks every generated node against its schema. Immutable.
 */
@Experimental
public final class KitCatalog {
    private static final List<DType> FLOATS = List.of(DType.FLOAT, DType.DOUBLE);
    private static final List<DType> NUMBERS = List.of(DType.FLOAT, DType.DOUBLE, DType.INT32, DType.INT64);
    private static final List<KitOp> OPS = build();

    private KitCatalog() {
    }

    /** Every op the kit covers, in a stable order. */
    public static List<KitOp> ops() {
        return OPS;
    }

    private static List<KitOp> build() {
        List<KitOp> ops = new ArrayList<>();
        for (String op : List.of("Exp", "Tanh", "Sigmoid", "Relu", "Softplus", "Softsign", "Erf", "Sin", "Cos", "Floor", "Ceil", "Round")) {
            ops.add(new KitOp(op, UNARY, FLOATS, ANY, List.of(), Tolerance.ELEMENTWISE));
        }
        for (String op : List.of("Log", "Sqrt", "Reciprocal")) {
            ops.add(new KitOp(op, UNARY, FLOATS, POSITIVE, List.of(), Tolerance.ELEMENTWISE));
        }
        for (String op : List.of("Neg", "Abs", "Sign")) {
            ops.add(new KitOp(op, UNARY, NUMBERS, ANY, List.of(), Tolerance.ELEMENTWISE));
        }
        ops.add(new KitOp("LeakyRelu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("alpha", 0.2f), Map.of("alpha", -1.5f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Elu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("alpha", 0.5f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Celu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("alpha", 2f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("HardSigmoid", UNARY, FLOATS, ANY,
                List.of(Map.of(), Map.of("alpha", 0.5f), Map.of("alpha", 0.1f, "beta", 0.3f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Selu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("alpha", 1.5f, "gamma", 1.2f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("ThresholdedRelu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("alpha", 0.5f)), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Gelu", UNARY, FLOATS, ANY, List.of(Map.of(), Map.of("approximate", "tanh")), Tolerance.ELEMENTWISE));

        for (String op : List.of("Add", "Sub", "Mul")) {
            ops.add(new KitOp(op, BINARY, NUMBERS, ANY, List.of(), Tolerance.ELEMENTWISE));
        }
        ops.add(new KitOp("Div", BINARY, NUMBERS, NONZERO_DIVISOR, List.of(), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Pow", BINARY, FLOATS, POSITIVE, List.of(), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Max", BINARY, NUMBERS, ANY, List.of(), Tolerance.ELEMENTWISE));
        ops.add(new KitOp("Min", BINARY, NUMBERS, ANY, List.of(), Tolerance.ELEMENTWISE));

        ops.add(new KitOp("MatMul", MATMUL, NUMBERS, ANY, List.of(), Tolerance.ACCUMULATING));
        for (String op : List.of("Softmax", "LogSoftmax")) {
            ops.add(new KitOp(op, AXIS, FLOATS, ANY, List.of(Map.of(), Map.of("axis", 0L), Map.of("axis", 1L)), Tolerance.ACCUMULATING));
        }
        return List.copyOf(ops);
    }
}
