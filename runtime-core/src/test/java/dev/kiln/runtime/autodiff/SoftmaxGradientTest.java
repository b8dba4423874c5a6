package dev.kiln.runtime.autodiff;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoftmaxGradientTest {
    @ParameterizedTest
    @ValueSource(strings = {"Softmax", "LogSoftmax"})
    void alongEachAxis(String op) {
        GradientChecker.of(op).input(2, 3, 4).check();
        GradientChecker.of(op).input(2, 3, 4).attrs(b -> b.attr("axis", 1L)).check();
        GradientChecker.of(op).input(2, 3, 4).attrs(b -> b.attr("axis", 0L)).symbolic().check();
    }
}
