package dev.kiln.api.schema.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemas;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry finds these families through ServiceLoader and picks the version in force at an opset. */
class OpSchemaLookupTest {
    private static final List<String> COVERED = List.of("Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Erf", "Relu",
            "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu", "Selu", "Celu", "Softplus", "Softsign", "Gelu", "Clip",
            "Not", "IsNaN", "IsInf", "Sign", "Floor", "Ceil", "Round", "Reciprocal", "Sqrt", "Exp", "Log", "Neg", "Identity", "Add",
            "Sub", "Mul", "Div", "Pow", "Mod", "Min", "Max", "Sum", "Mean", "Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or", "Xor", "Where", "MatMul", "Gemm", "Conv", "ConvTranspose", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "LayerNormalization", "InstanceNormalization", "Softmax",
            "LogSoftmax", "Dropout", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
            "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin", "Shape", "Size", "Reshape", "Flatten",
            "Transpose", "Squeeze", "Unsqueeze", "Concat", "Slice", "Split", "Gather", "GatherElements", "Expand", "Tile", "Pad",
            "Cast", "CastLike", "Constant", "ConstantOfShape", "Range", "Einsum", "TopK", "OneHot", "CumSum", "NonZero");

    @Test
    void picksTheVersionInForceAtOpset13And18() {
        assertVersion("ReduceMean", 13, 13, 1);
        assertVersion("ReduceMean", 18, 18, 2);
        assertVersion("ReduceSum", 13, 13, 2);
        assertVersion("Split", 13, 13, 2);
        assertVersion("Split", 18, 18, 2);
        assertVersion("Reshape", 13, 13, 2);
        assertVersion("Reshape", 18, 14, 2);
        assertVersion("Squeeze", 13, 13, 2);
        assertVersion("Squeeze", 12, 11, 1);
        assertVersion("Pad", 13, 13, 3);
        assertVersion("Pad", 18, 18, 4);
        assertVersion("Softmax", 18, 13, 1);
        assertVersion("Conv", 18, 11, 3);
        assertVersion("Gemm", 13, 13, 3);
        assertEquals(2, OpSchemas.lookup("", "Gemm", 13).minInputs());
        assertEquals(3, OpSchemas.lookup("", "Gemm", 9).minInputs());
        assertEquals(2, OpSchemas.lookup("ai.onnx", "MaxPool", 18).maxOutputs());
        assertEquals(1, OpSchemas.lookup("ai.onnx", "MaxPool", 7).maxOutputs());
    }

    @Test
    void opsNewerThanTheOpsetAreNotFound() {
        assertNull(OpSchemas.lookup("", "Gelu", 18));
        assertEquals(20, OpSchemas.lookup("", "Gelu", 20).sinceVersion());
        assertNull(OpSchemas.lookup("", "LayerNormalization", 13));
        assertEquals(17, OpSchemas.lookup("", "LayerNormalization", 18).sinceVersion());
        assertNull(OpSchemas.lookup("com.example", "Relu", 18));
    }

    @Test
    void everyCoveredOpHasInferenceAtOpset13Or18() {
        for (String op : COVERED) {
            OpSchema s = OpSchemas.lookup("", op, op.equals("Gelu") ? 20 : 18);
            assertNotNull(s, op);
            assertNotNull(s.inference(), op);
        }
    }

    @Test
    void noVersionIsRegisteredTwice() {
        Set<String> seen = new HashSet<>();
        for (List<OpSchema> versions : OpSchemas.schemas()) {
            for (OpSchema s : versions) {
                assertTrue(seen.add(s.domain() + "::" + s.name() + "-" + s.sinceVersion()), "duplicate " + s.name() + "-" + s.sinceVersion());
            }
        }
    }

    @Test
    void arityFollowsTheVersion() {
        Node squeezeWithAxesInput = Node.builder("Squeeze").inputs("x", "axes").output("y").build();
        assertNull(OpSchemas.lookup("", "Squeeze", 13).checkArity(squeezeWithAxesInput));
        assertNotNull(OpSchemas.lookup("", "Squeeze", 11).checkArity(squeezeWithAxesInput));
        Node split3 = Node.builder("Split").input("x").outputs("a", "b", "c").build();
        assertNull(OpSchemas.lookup("", "Split", 18).checkArity(split3));
    }

    private static void assertVersion(String op, int opset, int since, int maxInputs) {
        OpSchema s = OpSchemas.lookup("", op, opset);
        assertNotNull(s, op + " at opset " + opset);
        assertEquals(since, s.sinceVersion(), op + " at opset " + opset);
        assertEquals(maxInputs, s.maxInputs(), op + "-" + since + " inputs");
    }
}
