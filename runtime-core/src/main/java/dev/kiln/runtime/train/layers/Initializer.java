package dev.kiln.runtime.train.layers;

/**
 * Draws initial weights. Glorot (Xavier) suits tanh/sigmoid/softmax layers, He (Kaiming) suits ReLU
 * layers. All draws come from the {@link Rng} of the network being built, so a seed fixes every weight.
 */
public enum Initializer {
    /** Uniform in [-l, l] with l = sqrt(6 / (fanIn + fanOut)). */
    GLOROT_UNIFORM,
    /** Normal with standard deviation sqrt(2 / (fanIn + fanOut)). */
    GLOROT_NORMAL,
    /** Uniform in [-l, l] with l = sqrt(6 / fanIn). */
    HE_UNIFORM,
    /** Normal with standard deviation sqrt(2 / fanIn). */
    HE_NORMAL,
    /** All zeros (biases). */
    ZEROS;

    /** {@code count} values for a weight with the given fan-in and fan-out. */
    public float[] draw(Rng rng, int count, long fanIn, long fanOut) {
        float[] out = new float[count];
        switch (this) {
            case GLOROT_UNIFORM -> uniform(rng, out, Math.sqrt(6.0 / (fanIn + fanOut)));
            case GLOROT_NORMAL -> normal(rng, out, Math.sqrt(2.0 / (fanIn + fanOut)));
            case HE_UNIFORM -> uniform(rng, out, Math.sqrt(6.0 / fanIn));
            case HE_NORMAL -> normal(rng, out, Math.sqrt(2.0 / fanIn));
            case ZEROS -> {
            }
        }
        return out;
    }

    private static void uniform(Rng rng, float[] out, double limit) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
    }

    private static void normal(Rng rng, float[] out, double std) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (rng.nextGaussian() * std);
        }
    }
}
