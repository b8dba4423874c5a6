package dev.kiln.runtime.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Sym;
import java.util.List;

/**
 * The built-in losses, each the mean over the batch. Labels are float32 of the prediction's shape:
 * one-hot (or soft) class distributions for the cross-entropies, 0/1 targets for binary cross-entropy.
 * Probabilities are clipped to [1e-7, 1 - 1e-7] before a logarithm so a confident mistake gives a large,
 * finite loss.
 */
public final class Losses {
    static final float PROBABILITY_FLOOR = 1e-7f;

    private Losses() {
    }

    /** {@code -mean_n sum_c y[n,c] * log_softmax(z)[n,c]} on logits z (numerically stable). */
    public static Loss softmaxCrossEntropy() {
        return of("softmax_cross_entropy", true, (net, p, y) -> {
            String logp = net.op("LogSoftmax", List.of(p.name()), b -> b.attr("axis", -1L));
            return negMeanOfRowSums(net, net.op("Mul", List.of(y, logp)));
        });
    }

    /** {@code -mean_n sum_c y[n,c] * log(p[n,c])} on probabilities p (e.g. after a softmax). */
    public static Loss categoricalCrossEntropy() {
        return of("categorical_cross_entropy", true, (net, p, y) ->
                negMeanOfRowSums(net, net.op("Mul", List.of(y, net.op("Log", List.of(clipped(net, p.name())))))));
    }

    /** {@code -mean(y * log(p) + (1 - y) * log(1 - p))} on probabilities p (e.g. after a sigmoid). */
    public static Loss binaryCrossEntropy() {
        return of("binary_cross_entropy", true, (net, p, y) -> {
            String one = net.constant("one", Tensor.scalar(1f));
            String q = clipped(net, p.name());
            String pos = net.op("Mul", List.of(y, net.op("Log", List.of(q))));
            String neg = net.op("Mul", List.of(net.op("Sub", List.of(one, y)), net.op("Log", List.of(net.op("Sub", List.of(one, q))))));
            return net.op("Neg", List.of(mean(net, net.op("Add", List.of(pos, neg)))));
        });
    }

    /** {@code mean((p - y)^2)} over every element. */
    public static Loss meanSquaredError() {
        return of("mean_squared_error", false, (net, p, y) -> {
            String d = net.op("Sub", List.of(p.name(), y));
            return mean(net, net.op("Mul", List.of(d, d)));
        });
    }

    /** {@code -mean_n sum_c y[n,c] * p[n,c]} on log-probabilities p (e.g. after LogSoftmax). */
    public static Loss negativeLogLikelihood() {
        return of("negative_log_likelihood", true, (net, p, y) -> negMeanOfRowSums(net, net.op("Mul", List.of(y, p.name()))));
    }

    private interface Body {
        String build(NetBuilder net, Sym prediction, String label);
    }

    private static Loss of(String name, boolean classification, Body body) {
        return new Loss() {
            @Override
            public String build(NetBuilder net, Sym prediction, String label) {
                return body.build(net, prediction, label);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean classification() {
                return classification;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static String clipped(NetBuilder net, String p) {
        String lo = net.constant("floor", Tensor.scalar(PROBABILITY_FLOOR));
        String hi = net.constant("ceiling", Tensor.scalar(1f - PROBABILITY_FLOOR));
        return net.op("Clip", List.of(p, lo, hi));
    }

    private static String mean(NetBuilder net, String x) {
        return net.op("ReduceMean", List.of(x), b -> b.attr("keepdims", 0L));
    }

    private static String negMeanOfRowSums(NetBuilder net, String x) {
        String rows = net.op("ReduceSum", List.of(x, net.ints(-1)), b -> b.attr("keepdims", 0L));
        return net.op("Neg", List.of(mean(net, rows)));
    }
}
