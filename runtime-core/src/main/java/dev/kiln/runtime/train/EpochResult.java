package dev.kiln.runtime.train;

/**
 * One epoch's figures.
 *
 * @param epoch            1-based
 * @param loss             mean training loss over the epoch's samples
 * @param accuracy         training accuracy of the first classification head, NaN when none
 * @param validation       figures on the validation set, null when none was given
 * @param seconds          wall time of the epoch's steps
 * @param samplesPerSecond training throughput
 */
public record EpochResult(int epoch, double loss, double accuracy, Evaluation validation, double seconds, double samplesPerSecond) {
}
