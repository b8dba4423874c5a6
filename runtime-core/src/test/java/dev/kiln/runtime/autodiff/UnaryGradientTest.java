package dev.kiln.runtime.autodiff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Elementwise math and activations against finite differences. */
class UnaryGradientTest {
    @ParameterizedTest
    @ValueSource(strings = {"Identity", "Neg", "Exp", "Abs", "Reciprocal", "Sin", "Cos", "Sigmoid", "Tanh", "Relu",
            "LeakyRelu", "Elu", "Selu", "Softplus", "Erf", "Gelu", "Floor", "Ceil", "Round", "Sign",
            "Tan", "Atan", "Sinh", "Cosh", "Asinh", "Softsign", "ThresholdedRelu", "Shrink", "HardSigmoid", "HardSwish", "Celu", "Mish"})
    void onSignedInputs(String op) {
        GradientChecker.of(op).input(2, 3, 4).check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Log", "Sqrt"})
    void onPositiveInputs(String op) {
        GradientChecker.of(op).input(0.2, 3, 3, 4).check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Asin", "Acos", "Atanh"})
    void onInputsInsideTheUnitInterval(String op) {
        GradientChecker.of(op).input(-0.9, 0.9, 3, 4).check();
    }

    @Test
    void acoshAndPrelu() {
        GradientChecker.of("Acosh").input(1.2, 3, 3, 4).check();
        GradientChecker.of("PRelu").input(2, 3, 4).input(3, 1).check();
        GradientChecker.of("PRelu").input(2, 3, 4).input(4).symbolic().check();
    }

    @Test
    void attributesAreHonoured() {
        GradientChecker.of("LeakyRelu").input(3, 4).attrs(b -> b.attr("alpha", 0.3f)).label("LeakyRelu alpha").check();
        GradientChecker.of("Elu").input(3, 4).attrs(b -> b.attr("alpha", 0.7f)).label("Elu alpha").check();
        GradientChecker.of("Gelu").input(3, 4).attrs(b -> b.attr("approximate", "tanh")).label("Gelu tanh").check();
        GradientChecker.of("HardSigmoid").input(3, 4).attrs(b -> b.attr("alpha", 0.4f).attr("beta", 0.3f)).label("HardSigmoid alpha beta").check();
        GradientChecker.of("HardSwish").input(-5.0, 5.0, 4, 5).label("HardSwish beyond +-3").check();
        GradientChecker.of("Celu").input(3, 4).attrs(b -> b.attr("alpha", 0.6f)).label("Celu alpha").check();
    }

    @Test
    void clipPassesTheGradientInsideTheBounds() {
        GradientChecker.of("Clip").input(3, 4).input(-1.2, -1.1).input(1.0, 1.1).label("Clip").check();
        GradientChecker.of("Clip").input(3, 4).absent().input(0.5, 0.6).label("Clip max only").check();
    }

    @Test
    void castKeepsTheGradientType() {
        GradientChecker.of("Cast").input(3, 4).attrs(b -> b.attr("to", (long) dev.kiln.api.tensor.DType.DOUBLE.code())).check();
    }
}
