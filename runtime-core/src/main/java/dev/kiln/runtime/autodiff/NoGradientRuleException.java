package dev.kiln.runtime.autodiff;

import dev.kiln.api.UnsupportedOpException;

import java.util.List;

/**
 * Differentiation met an op on a path from the loss to a differentiated value for which no
 * {@link GradientRule} is registered. Names the op and the path (node descriptions from the
 * offending node to the node producing the loss).
 */
public final class NoGradientRuleException extends UnsupportedOpException {
    private static final long serialVersionUID = 1L;
    private final List<String> path;

    public NoGradientRuleException(String opType, String domain, List<String> path) {
        super(opType, domain, -1, "no gradient rule; path to the loss: " + String.join(" -> ", path));
        this.path = List.copyOf(path);
    }

    /** Node descriptions from the op without a rule to the node producing the loss. */
    public List<String> path() {
        return path;
    }
}
