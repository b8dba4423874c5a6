package dev.kiln.runtime.autodiff;

/** The naming convention for gradient outputs of a differentiated graph. Stateless. */
public final class GradientNames {
    private GradientNames() {
    }

    /** The graph output holding the gradient of {@code valueName}: {@code "<valueName>_grad"}. */
    public static String of(String valueName) {
        return valueName + "_grad";
    }
}
