package dev.kiln.runtime.autodiff;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broadcasting arithmetic against finite differences, with static and symbolic shapes. */
class ArithmeticGradientTest {
    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div", "Min", "Max"})
    void binaryOpsWithBroadcasting(String op) {
        GradientChecker.of(op).input(2, 3, 4).input(3, 1).check();
        GradientChecker.of(op).input(1, 4).input(3, 1).check();
        GradientChecker.of(op).input(2, 3).input(2, 3).check();
        GradientChecker.of(op).input(2, 3, 4).input(3, 1).symbolic().check();
        GradientChecker.of(op).input(2, 3, 4).input(3, 1).unranked().check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sum", "Mean", "Max", "Min"})
    void variadicOps(String op) {
        GradientChecker.of(op).input(2, 3).input(3).input(2, 1).check();
    }

    @org.junit.jupiter.api.Test
    void pow() {
        GradientChecker.of("Pow").input(0.5, 2, 2, 3).input(-1.5, 1.5, 3).check();
        GradientChecker.of("Pow").input(0.5, 2, 2, 3).input(0.5, 1.5, 2, 1).symbolic().check();
        GradientChecker.of("Pow").input(2, 3).constant(dev.kiln.api.tensor.Tensor.scalar(2.0)).label("Pow (constant exponent 2)").check();
    }
}
