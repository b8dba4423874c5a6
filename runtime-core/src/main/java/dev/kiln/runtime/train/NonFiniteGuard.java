package dev.kiln.runtime.train;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.runtime.autodiff.GradientNames;
import dev.kiln.runtime.session.NonFiniteCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Looks through one training step's outputs for NaN and infinities in the order they arise: the loss,
 * then the gradients from the last parameter to the first (the order backpropagation computes them, so the
 * first bad one is nearest the cause), then the updated parameters and optimizer state. Stateless.
 */
final class NonFiniteGuard {
    /** The first bad tensor, what is wrong in it, and the parameters whose gradients are non-finite. */
    record Finding(String tensor, String what, List<String> badGradients) {
        String describe(long step) {
            String all = badGradients.isEmpty() ? "" : "; non-finite gradients: " + badGradients;
            return "training step " + step + ": " + what + all;
        }
    }

    private NonFiniteGuard() {
    }

    /** Null when every checked output is finite. */
    static Finding check(Map<String, RuntimeValue> out, List<String> trainable, List<String> updated) {
        List<String> badGradients = new ArrayList<>();
        String firstGradient = null;
        String firstWhat = null;
        for (int i = trainable.size() - 1; i >= 0; i--) {
            String p = trainable.get(i);
            String bad = NonFiniteCheck.firstNonFinite(out.get(GradientNames.of(p)));
            if (bad != null) {
                badGradients.add(p);
                if (firstGradient == null) {
                    firstGradient = GradientNames.of(p);
                    firstWhat = "the gradient of parameter '" + p + "' ('" + firstGradient + "') has " + bad;
                }
            }
        }
        String lossBad = NonFiniteCheck.firstNonFinite(out.get(TrainingGraphs.LOSS));
        if (lossBad != null) {
            return new Finding(TrainingGraphs.LOSS, "the loss is non-finite: " + lossBad, badGradients);
        }
        if (firstGradient != null) {
            return new Finding(firstGradient, firstWhat, badGradients);
        }
        for (String name : updated) {
            String bad = NonFiniteCheck.firstNonFinite(out.get(name));
            if (bad != null) {
                return new Finding(name, "the updated value '" + name + "' has " + bad + " although every gradient was finite", List.of());
            }
        }
        return null;
    }
}
