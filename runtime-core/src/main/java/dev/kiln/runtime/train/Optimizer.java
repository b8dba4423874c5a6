package dev.kiln.runtime.train;

import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import java.util.List;
import java.util.function.Consumer;

/**
 * Which optimizer op updates the weights, with its attributes and base learning rate. The update runs
 * as one node of the training graph (the kernels' javadoc writes each rule out). Immutable.
 *
 * @param domain       the op's domain
 * @param opType       the op
 * @param states       names of the per-parameter state tensors, in the op's input order (each starts at zero)
 * @param attributes   sets the op's attributes
 * @param learningRate the base rate a {@link LearningRateSchedule} scales
 * @param firstT       the update count the op expects at the first step (1 for Adam-style bias correction)
 */
public record Optimizer(String domain, String opType, List<String> states, Consumer<Node.Builder> attributes,
                        double learningRate, long firstT) {
    /** The Kiln domain of AdamW and SGD. */
    public static final String KILN_TRAINING_DOMAIN = "dev.kiln.training";

    public Optimizer {
        states = List.copyOf(states);
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException(opType + ": learning rate must be positive, got " + learningRate);
        }
    }

    /** ONNX Adam with beta1 0.9, beta2 0.999, epsilon 1e-8. */
    public static Optimizer adam(double learningRate) {
        return adam(learningRate, 0.9, 0.999, 1e-8);
    }

    public static Optimizer adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new Optimizer(Model.TRAINING_DOMAIN, "Adam", List.of("m", "v"),
                b -> b.attr("alpha", (float) beta1).attr("beta", (float) beta2).attr("epsilon", (float) epsilon), learningRate, 1);
    }

    /** Kiln AdamW (decoupled weight decay) with beta1 0.9, beta2 0.999, epsilon 1e-8. */
    public static Optimizer adamW(double learningRate, double weightDecay) {
        return new Optimizer(KILN_TRAINING_DOMAIN, "AdamW", List.of("m", "v"),
                b -> b.attr("weight_decay", (float) weightDecay), learningRate, 1);
    }

    /** Kiln SGD, optionally with L2 weight decay. */
    public static Optimizer sgd(double learningRate, double weightDecay) {
        return new Optimizer(KILN_TRAINING_DOMAIN, "SGD", List.of(), b -> b.attr("weight_decay", (float) weightDecay), learningRate, 0);
    }

    /** ONNX Momentum: {@code V = momentum * V + G; X -= R * V} (or Nesterov's look-ahead). */
    public static Optimizer momentum(double learningRate, double momentum, boolean nesterov) {
        return new Optimizer(Model.TRAINING_DOMAIN, "Momentum", List.of("velocity"),
                b -> b.attr("alpha", (float) momentum).attr("beta", 1f).attr("norm_coefficient", 0f)
                        .attr("mode", nesterov ? "nesterov" : "standard"), learningRate, 0);
    }

    /** ONNX Adagrad with epsilon 1e-8. */
    public static Optimizer adagrad(double learningRate) {
        return new Optimizer(Model.TRAINING_DOMAIN, "Adagrad", List.of("sum_squares"),
                b -> b.attr("epsilon", 1e-8f), learningRate, 0);
    }
}
