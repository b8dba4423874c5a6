package dev.kiln.runtime.autodiff;

import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Reshapes, transposes, concatenation and splits against finite differences. */
class ShapeGradientTest {
    @Test
    void reshapes() {
        GradientChecker.of("Reshape").input(2, 3, 4).constant(Tensor.of(new long[] {4, -1}, 2)).check();
        GradientChecker.of("Flatten").input(2, 3, 4).attrs(b -> b.attr("axis", 2L)).check();
        GradientChecker.of("Squeeze").input(2, 1, 4).constant(Tensor.of(new long[] {1}, 1)).check();
        GradientChecker.of("Unsqueeze").input(2, 4).constant(Tensor.of(new long[] {0, 2}, 2)).check();
        GradientChecker.of("Reshape").input(2, 3, 4).constant(Tensor.of(new long[] {0, -1}, 2)).symbolic().check();
    }

    @Test
    void transpose() {
        GradientChecker.of("Transpose").input(2, 3, 4).attrs(b -> b.attr("perm", 1L, 2L, 0L)).check();
        GradientChecker.of("Transpose").input(2, 3, 4).label("Transpose default").check();
    }

    @Test
    void expand() {
        GradientChecker.of("Expand").input(3, 1).constant(Tensor.of(new long[] {2, 3, 4}, 3)).check();
        GradientChecker.of("Expand").input(3, 1).constant(Tensor.of(new long[] {2, 3, 4}, 3)).symbolic().check();
    }

    @Test
    void concatAndSplit() {
        GradientChecker.of("Concat").input(2, 3).input(2, 1).input(2, 2).attrs(b -> b.attr("axis", -1L)).check();
        GradientChecker.of("Concat").input(2, 3).input(2, 1).attrs(b -> b.attr("axis", 1L)).symbolic().check();
        GradientChecker.of("Split").input(2, 6).constant(Tensor.of(new long[] {1, 2, 3}, 3)).attrs(b -> b.attr("axis", 1L)).outputs(3).check();
        GradientChecker.of("Split").input(4, 3).attrs(b -> b.attr("num_outputs", 2L)).outputs(2).label("Split num_outputs").check();
    }
}
