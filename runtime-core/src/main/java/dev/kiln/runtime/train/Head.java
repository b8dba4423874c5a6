package dev.kiln.runtime.train;

import dev.kiln.runtime.train.layers.Layer;
import java.util.Objects;

/**
 * One output of a network: layers applied to the shared body's output, the loss against a label column,
 * and the loss's weight in the total {@code sum_i weight_i * loss_i}.
 *
 * @param output      the graph output name of the prediction (in the exported model too)
 * @param layers      applied after the body (use {@code Sequential.of()} for none)
 * @param loss        the loss of this head
 * @param weight      its weight in the total loss, positive
 * @param labelColumn the dataset column holding the labels
 */
public record Head(String output, Layer layers, Loss loss, double weight, String labelColumn) {
    public Head {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(labelColumn, "labelColumn");
        if (!(weight > 0)) {
            throw new IllegalArgumentException("head '" + output + "': weight must be positive, got " + weight);
        }
    }
}
