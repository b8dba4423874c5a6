package dev.kiln.runtime.autodiff;

import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Reduce* op over chosen axes and over all axes, keeping and dropping the reduced dims. */
class ReductionGradientTest {
    @ParameterizedTest
    @ValueSource(strings = {"ReduceSum", "ReduceMean", "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSumExp",
            "ReduceMax", "ReduceMin", "ReduceProd"})
    void reductions(String op) {
        GradientChecker.of(op).input(2, 3, 4).constant(Tensor.of(new long[] {1}, 1)).check();
        GradientChecker.of(op).input(2, 3, 4).constant(Tensor.of(new long[] {0, -1}, 2)).attrs(b -> b.attr("keepdims", 0L)).check();
        GradientChecker.of(op).input(2, 3, 4).attrs(b -> b.attr("keepdims", 0L)).check();
        GradientChecker.of(op).input(2, 3, 4).constant(Tensor.of(new long[] {2}, 1)).symbolic().check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ReduceLogSum"})
    void positiveReductions(String op) {
        GradientChecker.of(op).input(0.2, 2, 2, 3, 4).constant(Tensor.of(new long[] {1}, 1)).attrs(b -> b.attr("keepdims", 0L)).check();
    }
}
