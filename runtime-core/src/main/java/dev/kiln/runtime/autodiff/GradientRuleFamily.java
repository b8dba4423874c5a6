package dev.kiln.runtime.autodiff;

/**
 * A family of gradient rules (elementwise, linear algebra, shapes, ...) that registers itself; listed in
 * {@code META-INF/services/dev.kiln.runtime.autodiff.GradientRuleFamily}, so adding a rule never means
 * editing a central table.
 */
public interface GradientRuleFamily {
    void register(GradientRules.Registrar registrar);
}
