package dev.kiln.runtime.autodiff;

/**
 * The backward of one op type: given the gradients of a forward node's outputs, emits IR nodes that
 * compute the gradients of the inputs that need one ({@link GradientContext#needsGradient(int)}) and
 * records them with {@link GradientContext#setGradient(int, String)}. Rules are stateless and may be
 * called from several threads; all state lives in the context. An input the rule leaves without a
 * gradient gets none (treated as zero), which is right for integer inputs such as indices or shapes.
 */
@FunctionalInterface
public interface GradientRule {
    void backward(GradientContext g);
}
