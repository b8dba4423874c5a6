package dev.kiln.example;

import dev.kiln.api.ir.Node;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The ops the example backend claims (ai.onnx domain, float32 only), as two tables: elementwise unary
 * functions (attributes read from the node) and broadcasting binary functions. MatMul has its own class.
 * Each function computes in double and rounds once to float.
 */
final class ExampleOps {
    static final Set<String> UNARY = Set.of("Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Relu", "Sigmoid", "Tanh",
            "Softplus", "LeakyRelu", "Elu", "HardSigmoid");
    static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow");
    static final String MATMUL = "MatMul";

    private static final Map<String, DoubleBinaryOperator> BINARY_FNS = Map.of(
            "Add", (a, b) -> a + b, "Sub", (a, b) -> a - b, "Mul", (a, b) -> a * b, "Div", (a, b) -> a / b, "Pow", Math::pow);

    private ExampleOps() {
    }

    static boolean claims(String opType) {
        return UNARY.contains(opType) || BINARY.contains(opType) || MATMUL.equals(opType);
    }

    /** The unary function of a node, with its attributes (alpha, beta) bound. */
    static DoubleUnaryOperator unary(Node n) {
        return switch (n.opType()) {
            case "Neg" -> x -> -x;
            case "Abs" -> Math::abs;
            case "Exp" -> Math::exp;
            case "Log" -> Math::log;
            case "Sqrt" -> Math::sqrt;
            case "Reciprocal" -> x -> 1 / x;
            // max(0, NaN) must stay NaN, and Relu(-0) is 0
            case "Relu" -> x -> x > 0 || Double.isNaN(x) ? x : 0;
            case "Sigmoid" -> x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case "Tanh" -> Math::tanh;
            case "Softplus" -> x -> x > 30 ? x : Math.log1p(Math.exp(x));
            case "LeakyRelu" -> {
                double alpha = n.getFloat("alpha", 0.01f);
                yield x -> x < 0 ? alpha * x : x;
            }
            case "Elu" -> {
                double alpha = n.getFloat("alpha", 1f);
                yield x -> x < 0 ? alpha * Math.expm1(x) : x;
            }
            case "HardSigmoid" -> {
                double alpha = n.getFloat("alpha", 0.2f);
                double beta = n.getFloat("beta", 0.5f);
                yield x -> Math.max(0, Math.min(1, alpha * x + beta));
            }
            default -> throw new IllegalArgumentException("not a unary op of the example backend: " + n.opType());
        };
    }

    static DoubleBinaryOperator binary(String opType) {
        DoubleBinaryOperator f = BINARY_FNS.get(opType);
        if (f == null) {
            throw new IllegalArgumentException("not a binary op of the example backend: " + opType);
        }
        return f;
    }
}
