package dev.kiln.runtime.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GradientRulesTest {
    /** The op types the training issue asks for (the losses are expanded into these by {@link LossExpansion}). */
    private static final List<String> REQUIRED = List.of("Add", "Sub", "Mul", "Div", "Neg", "Pow", "Sqrt", "Exp", "Log", "Abs",
            "Reciprocal", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Gelu", "Softplus", "Elu", "Selu", "Clip", "Min", "Max", "Where",
            "MatMul", "Gemm", "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization",
            "LayerNormalization", "InstanceNormalization", "Softmax", "LogSoftmax", "Dropout", "Reshape", "Flatten", "Transpose", "Squeeze",
            "Unsqueeze", "Concat", "Split", "Slice", "Gather", "GatherElements", "Expand", "Tile", "Pad", "Cast", "Identity", "ReduceSum",
            "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL2", "ReduceLogSumExp", "CumSum", "Einsum", "Resize", "LSTM", "GRU", "RNN");

    @Test
    void everyRequiredOpHasARule() {
        List<String> missing = REQUIRED.stream().filter(op -> !GradientRules.has(op)).toList();
        assertEquals(List.of(), missing);
        assertTrue(GradientRules.opTypes().containsAll(REQUIRED));
    }

    @Test
    void opsWithoutARuleAreReportedAsSuch() {
        Stream.of("Hardmax", "Det", "NonZero").forEach(op -> assertFalse(GradientRules.has(op), op));
        assertFalse(GradientRules.has("com.example", "Add"));
        assertEquals(null, GradientRules.get("", "Hardmax"));
    }
}
