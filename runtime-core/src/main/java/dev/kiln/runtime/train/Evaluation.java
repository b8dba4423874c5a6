package dev.kiln.runtime.train;

import java.util.Map;

/**
 * Loss and accuracy of a model on a dataset.
 *
 * @param loss     the mean total loss over the samples
 * @param accuracy per classification head (by output name), the fraction of samples predicted right
 */
public record Evaluation(double loss, Map<String, Double> accuracy) {
    public Evaluation {
        accuracy = Map.copyOf(accuracy);
    }

    /** Accuracy of the first classification head (a network usually has one); NaN when none. */
    public double firstAccuracy() {
        return accuracy.values().stream().findFirst().orElse(Double.NaN);
    }
}
