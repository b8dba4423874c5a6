package dev.kiln.runtime.train.layers;

import java.util.List;

/** Elementwise activations (and softmax over the last axis) as layers. */
public enum Activation implements Layer {
    LINEAR(null),
    RELU("Relu"),
    SIGMOID("Sigmoid"),
    TANH("Tanh"),
    GELU("Gelu"),
    /** Softmax over the last axis. */
    SOFTMAX("Softmax"),
    /** LogSoftmax over the last axis. */
    LOG_SOFTMAX("LogSoftmax");

    private final String op;

    Activation(String op) {
        this.op = op;
    }

    /** The initializer that suits a weight feeding this activation: He for ReLU, Glorot otherwise. */
    public Initializer defaultInitializer() {
        return this == RELU ? Initializer.HE_NORMAL : Initializer.GLOROT_UNIFORM;
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        if (op == null) {
            return input;
        }
        String out = op.endsWith("Softmax")
                ? net.op(op, List.of(input.name()), b -> b.attr("axis", -1L))
                : net.op(op, List.of(input.name()));
        return new Sym(out, input.shape());
    }
}
