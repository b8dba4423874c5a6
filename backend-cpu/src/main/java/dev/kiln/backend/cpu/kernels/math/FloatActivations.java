package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.ir.Node;
import java.util.Optional;

/**
 * The float32 activation functions of this package for other kernels to apply in place, as fused
 * epilogues (a MatMul followed by Gelu runs the Gelu on each block while it is still in cache).
 */
public final class FloatActivations {
    private FloatActivations() {
    }

    /** {@code a[i] = f(a[i])} for i in {@code [from, to)}. Safe to call from several threads on disjoint ranges. */
    @FunctionalInterface
    public interface InPlace {
        void apply(float[] a, int from, int to);
    }

    /**
     * The activation {@code opType} (Relu, Gelu, Sigmoid, Tanh, ... as the ONNX op of that name, with the
     * attributes of {@code attributes}), or empty when this package has no such activation.
     */
    public static Optional<InPlace> of(String opType, Node attributes) {
        for (Activation a : Activation.values()) {
            if (a.opType().equals(opType)) {
                return Optional.of(inPlace(a.bind(attributes)));
            }
        }
        for (SmoothActivation a : SmoothActivation.values()) {
            if (a.opType().equals(opType)) {
                return Optional.of(inPlace(a.bind(attributes)));
            }
        }
        return Optional.empty();
    }

    /**
     * The epilogue a fused node asks for in its attribute {@code activation} (an ONNX activation op name, bound to
     * the node's other attributes), or null when that attribute is absent or empty. Throws
     * UnsupportedOpException naming the node's op when this package has no such activation.
     */
    public static InPlace ofFusedNode(Node node, int opsetVersion) {
        String act = node.getString("activation", "");
        if (act.isEmpty()) {
            return null;
        }
        return of(act, node).orElseThrow(() -> new dev.kiln.api.UnsupportedOpException(node.opType(), node.domain(), opsetVersion,
                "activation '" + act + "' is not one the CPU backend fuses"));
    }

    private static InPlace inPlace(UnaryFunction f) {
        return (a, from, to) -> f.floats(a, a, from, to);
    }
}
